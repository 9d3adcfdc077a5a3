#!/bin/sh
# GET /cgi-bin/status (NGINX's https://DOMAIN_NAME/status/): one HTML page made from the
# project's status files, mounted read-only at /glassbox/status (x-glassbox: status in the
# compose file): one JSON file per container with its state, health, restarts, start time
# and networks. Nothing else of glassbox is in this container: no container's config, no
# environment, no other project. The page shows what the files say at this moment; it
# refreshes every 5 s.
printf 'Content-Type: text/html; charset=utf-8\r\n\r\n'
set -- /glassbox/status/*.json
[ -e "$1" ] || set -- /dev/null
cat "$@" | jq -rs -f /srv/status/page.jq
