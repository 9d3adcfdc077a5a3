#!/bin/sh
# An FTP user whose home is the WordPress volume; vsftpd in the foreground as PID 1.
set -eu
if ! id "$FTP_USER" >/dev/null 2>&1; then
	useradd -d /var/www/html -s /usr/sbin/nologin "$FTP_USER"
	echo "$FTP_USER:$FTP_PASSWORD" | chpasswd
	echo /usr/sbin/nologin >>/etc/shells
fi
cat >/etc/vsftpd.conf <<CONF
listen=YES
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
chroot_local_user=YES
allow_writeable_chroot=YES
pasv_enable=YES
pasv_min_port=21100
pasv_max_port=21110
secure_chroot_dir=/var/run/vsftpd/empty
CONF
exec vsftpd /etc/vsftpd.conf
