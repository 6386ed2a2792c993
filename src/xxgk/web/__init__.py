"""The review desk (``xxgk serve``): server-rendered Chinese pages over the store.

``app`` builds the Starlette application from a :class:`desk.Desk` (the store
it owns and the upload queue); ``serve.run`` starts it under uvicorn.
Templates and static files (style, script) live beside the code; the chart
library's bundle is served from the pinned ``plotly`` package.
"""
