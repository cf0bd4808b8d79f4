"""A reusable ComfyUI client (aiohttp + pydantic); no Discord, no database.

Modules: ``client`` (one backend: submit, follow, cancel, capabilities), ``pool`` (several backends),
``events`` (what a run yields), ``errors`` (everything raised), ``artifacts`` (downloads, path safety),
``client_id`` (a stable websocket id), ``protocol`` (pure parsing), ``transport`` (HTTP),
``connection`` (the websocket), ``router`` / ``run`` / ``cancel`` (internals of the client).
"""
