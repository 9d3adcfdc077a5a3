# The status page from every container's state file (an array of {config, state}).
def row:
  "<tr><td>\(.config.name | @html)</td><td>\(.state.status | @html)</td>"
  + "<td>\(.state.health.status // "-" | @html)</td><td>\(.state.restarts // 0)</td>"
  + "<td>\(if (.state.started // 0) > 0 then (.state.started | floor | todate) else "-" end)</td>"
  + "<td>\(.config.network.networks // [] | join(" ") | @html)</td></tr>";
[.[] | select(any(.config.network.networks[]?; startswith($project + "_")))]
| sort_by(.config.name) as $rows
| "<!doctype html>\n<html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"5\">"
  + "<title>\($project | @html): status</title>"
  + "<style>body{font-family:sans-serif;margin:2em}td,th{padding:.3em 1em;text-align:left}"
  + "tr:nth-child(even){background:#eee}</style></head><body>"
  + "<h1>\($project | @html): \($rows | length) containers</h1>"
  + "<table><tr><th>container</th><th>state</th><th>health</th><th>restarts</th>"
  + "<th>started (UTC)</th><th>networks</th></tr>\n"
  + ($rows | map(row) | join("\n"))
  + "\n</table><p>Read-only: made from glassbox's state files, mounted read-only into this"
  + " container. The engine's own view: <code>glassbox compose ps</code>; the animated one:"
  + " <code>glassbox-viz dashboard</code>.</p></body></html>"
