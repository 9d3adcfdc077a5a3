#!/bin/sh
# GET /cgi-bin/status (NGINX's https://DOMAIN_NAME/status/): one HTML page made from the
# state files glassbox keeps for each container (<state root>/containers/ID/container.json,
# mounted read-only), selecting the containers on this project's networks (PROJECT_*).
# The page shows what the state files say at this moment; it refreshes every 5 s.
printf 'Content-Type: text/html; charset=utf-8\r\n\r\n'
set -- /glassbox/containers/*/container.json
[ -e "$1" ] || set -- /dev/null
cat "$@" | jq -rs --arg project "${PROJECT:-inception}" -f /srv/status/page.jq
