#!/bin/sh
# First start: a self-signed certificate for DOMAIN_NAME (an EC P-256 key: made in
# milliseconds, where an RSA key's prime search takes up to seconds). Then exec nginx in the
# foreground, so that its master process is PID 1.
set -eu
if [ ! -f /etc/nginx/ssl/cert.pem ]; then
	mkdir -p /etc/nginx/ssl
	openssl req -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 365 -subj "/CN=$DOMAIN_NAME" \
		-keyout /etc/nginx/ssl/key.pem -out /etc/nginx/ssl/cert.pem 2>/dev/null
fi
sed -i "s/__DOMAIN__/$DOMAIN_NAME/" /etc/nginx/nginx.conf
exec nginx -g 'daemon off;'
