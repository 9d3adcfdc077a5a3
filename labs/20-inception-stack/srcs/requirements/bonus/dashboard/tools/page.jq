# The status page from the project's status files (an array of {project, service,
# container, state, health, restarts, started, networks}).
def row:
  "<tr><td>\(.container | @html)</td><td>\(.state | @html)</td>"
  + "<td>\(.health // "-" | @html)</td><td>\(.restarts // 0)</td>"
  + "<td>\(if (.started // 0) > 0 then (.started | floor | todate) else "-" end)</td>"
  + "<td>\(.networks // [] | join(" ") | @html)</td></tr>";
sort_by(.container) as $rows
| ($rows[0].project // "no containers") as $project
| "<!doctype html>\n<html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"5\">"
  + "<title>\($project | @html): status</title>"
  + "<style>body{font-family:sans-serif;margin:2em}td,th{padding:.3em 1em;text-align:left}"
  + "tr:nth-child(even){background:#eee}</style></head><body>"
  + "<h1>\($project | @html): \($rows | length) containers</h1>"
  + "<table><tr><th>container</th><th>state</th><th>health</th><th>restarts</th>"
  + "<th>started (UTC)</th><th>networks</th></tr>\n"
  + ($rows | map(row) | join("\n"))
  + "\n</table><p>Read-only: made from this project's status files, which glassbox keeps"
  + " and mounts read-only into this container (no environment, no secrets in them). The"
  + " engine's own view: <code>glassbox compose ps</code>; the animated one:"
  + " <code>glassbox-viz dashboard</code>.</p></body></html>"
