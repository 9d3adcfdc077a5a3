#!/bin/sh
# First start: copy Debian's WordPress into the volume, write wp-config.php from the
# environment, and install the site (no download: everything is in the image). Then exec
# php-fpm in the foreground (-F), so that it is PID 1.
set -eu
if [ ! -f /var/www/html/wp-settings.php ]; then
	cp -a /usr/src/wordpress/. /var/www/html/
fi
if [ ! -f /var/www/html/wp-config.php ]; then
	cat >/var/www/html/wp-config.php <<PHP
<?php
define('DB_NAME', getenv('MYSQL_DATABASE'));
define('DB_USER', getenv('MYSQL_USER'));
define('DB_PASSWORD', getenv('MYSQL_PASSWORD'));
define('DB_HOST', 'mariadb');
define('DB_CHARSET', 'utf8');
define('DB_COLLATE', '');
define('WP_HOME', 'https://' . getenv('DOMAIN_NAME'));
define('WP_SITEURL', 'https://' . getenv('DOMAIN_NAME'));
define('WP_REDIS_HOST', 'redis');
define('AUTH_KEY', '$(head -c 32 /dev/urandom | base64)');
define('SECURE_AUTH_KEY', '$(head -c 32 /dev/urandom | base64)');
define('LOGGED_IN_KEY', '$(head -c 32 /dev/urandom | base64)');
define('NONCE_KEY', '$(head -c 32 /dev/urandom | base64)');
\$table_prefix = 'wp_';
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
PHP
fi
# Redis as the object cache: the drop-in from the image, at each start (a newer image's
# replaces an older one in the volume).
cp /usr/local/share/object-cache.php /var/www/html/wp-content/object-cache.php
chown -R www-data:www-data /var/www/html
# Installed already (a restart, `make down && make`)? One query answers in milliseconds,
# where loading all of WordPress to ask it (install.php) takes most of a second.
installed() {
	MYSQL_PWD="$MYSQL_PASSWORD" mariadb -h mariadb -u "$MYSQL_USER" -N "$MYSQL_DATABASE" \
		-e "SELECT 1 FROM wp_options WHERE option_name = 'siteurl'" 2>/dev/null | grep -q 1
}
# MariaDB is healthy (depends_on), but the first install may need a moment more.
tries=0
installed || until php /usr/local/share/install.php; do
	tries=$((tries + 1))
	[ "$tries" -lt 30 ] || { echo "wordpress: cannot install: is mariadb up?" >&2; exit 1; }
	sleep 1
done
exec php-fpm8.2 -F
