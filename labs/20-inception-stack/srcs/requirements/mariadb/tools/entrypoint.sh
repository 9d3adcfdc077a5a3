#!/bin/sh
# First start: create the database and its users from the environment (.env). Then exec
# the server itself, so that mariadbd is PID 1 and gets SIGTERM from `stop`. (Not
# mariadbd-safe: it traps SIGTERM, and as PID 1 only SIGKILL would end it.)
set -eu
mkdir -p /run/mysqld
chown mysql:mysql /run/mysqld /var/lib/mysql
if [ ! -d /var/lib/mysql/mysql ]; then
	mariadb-install-db --user=mysql --datadir=/var/lib/mysql --skip-test-db >/dev/null
fi
if [ ! -d "/var/lib/mysql/$MYSQL_DATABASE" ]; then
	mariadbd --user=mysql --bootstrap --skip-networking <<SQL
USE mysql;
FLUSH PRIVILEGES;
CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\`;
CREATE USER IF NOT EXISTS '$MYSQL_USER'@'%' IDENTIFIED BY '$MYSQL_PASSWORD';
GRANT ALL PRIVILEGES ON \`$MYSQL_DATABASE\`.* TO '$MYSQL_USER'@'%';
ALTER USER 'root'@'localhost' IDENTIFIED BY '$MYSQL_ROOT_PASSWORD';
FLUSH PRIVILEGES;
SQL
fi
exec mariadbd --user=mysql --bind-address=0.0.0.0 --port=3306 --skip-name-resolve
