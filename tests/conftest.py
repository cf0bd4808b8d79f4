pytest_plugins = [
    "tests.fixtures.comfyui",
    "tests.fixtures.database",
    "tests.discord_emulator.pytest_plugin",
]
