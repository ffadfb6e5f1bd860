"""`argmap serve`: a local web page that redraws the map on save and answers what-ifs.

:mod:`.watch` polls the map's files and keeps the last good map, :mod:`.app`
turns a what-if query into documents (evaluating and drawing through the
engine and renderers, with a cache), :mod:`.server` is the HTTP layer. The
page itself is :mod:`argmap.render.html`, shared with `argmap render -o map.html`.
"""
