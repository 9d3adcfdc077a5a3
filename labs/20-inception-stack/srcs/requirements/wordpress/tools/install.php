<?php
// Install WordPress from the environment if it is not installed yet: the site, its
// administrator and a second user. What wp-cli would do, with WordPress's own functions.
define('WP_INSTALLING', true);
// No WP-Cron from here: it would request https://DOMAIN_NAME/wp-cron.php, and before
// NGINX runs (it starts after WordPress) that name resolves nowhere: a DNS timeout of
// seconds at every start, for nothing.
define('DISABLE_WP_CRON', true);
$_SERVER['HTTP_HOST'] = getenv('DOMAIN_NAME');
$_SERVER['REQUEST_URI'] = '/';
require '/var/www/html/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
if (is_blog_installed()) {
	exit(0);
}
$admin = getenv('WP_ADMIN_USER');
if (preg_match('/admin/i', $admin)) {
	fwrite(STDERR, "wordpress: the administrator's name must not contain 'admin'\n");
	exit(2);
}
wp_install(getenv('WP_TITLE'), $admin, getenv('WP_ADMIN_EMAIL'), true, '', getenv('WP_ADMIN_PASSWORD'));
wp_create_user(getenv('WP_USER'), getenv('WP_USER_PASSWORD'), getenv('WP_USER_EMAIL'));
echo "wordpress: installed\n";
