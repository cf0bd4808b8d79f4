pytest_plugins = ["tests.fixtures.comfyui", "tests.fixtures.database"]
