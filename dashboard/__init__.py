"""The reptrack dashboard (a front door, like :mod:`tracker.cli`): Dash pages over the
application layer's use cases (:mod:`tracker.app`), on a read-only store connection.

Layout: :mod:`dashboard.ids` (every component id), :mod:`dashboard.figures` (pure figure
builders: values in, ``go.Figure`` out, no dash import), :mod:`dashboard.pages` (one module
per page, layouts as functions), :mod:`dashboard.context` (the store and the viewer of a
request), :mod:`dashboard.auth` (accounts), :mod:`dashboard.exports` (HTML and CSV reports),
:mod:`dashboard.server` (the composition root ``reptrack dashboard`` calls).
"""
