"""A reusable ComfyUI client (aiohttp + pydantic); no Discord, no database.

Typical use (one aiohttp session per process, one stable client id per bot)::

    client = ComfyClient(session, "http://127.0.0.1:8188", load_or_create_client_id(state_dir / "client_id"))
    await client.start()
    run = await client.submit(workflow, prompt_id=str(uuid.uuid4()))
    async for event in run:          # Queued, Started, NodeExecuting, Progress, Preview, Executed, ...
        ...                          # ... and one of Completed, Failed, Interrupted at the end
    artifacts = await ArtifactStore(data_dir).download(client.http, event.files, kind="image", job_id=42)

Modules: ``client`` (one backend: submit, follow, cancel, capabilities), ``pool`` (several backends),
``events`` (what a run yields), ``errors`` (everything raised), ``artifacts`` (downloads, path safety),
``client_id`` (a stable websocket id), ``protocol`` (pure parsing), ``transport`` (HTTP),
``connection`` (the websocket), ``router`` / ``run`` / ``cancel`` / ``reconcile`` (the client's parts).
"""
