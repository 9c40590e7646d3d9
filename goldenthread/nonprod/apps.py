from django.apps import AppConfig


class NonprodConfig(AppConfig):
    """Demo data, synthetic data and benchmarks, with their commands (`goldenthread
    demo-data`, `synth`, `bench`). The top layer: it may import every app, and no app
    imports it (import-linter contracts in pyproject.toml; docs/architecture.md)."""

    name = "goldenthread.nonprod"
    label = "nonprod"
    verbose_name = "Demo, synthetic data and benchmarks"
