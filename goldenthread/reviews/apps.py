from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "goldenthread.reviews"
    label = "reviews"

    def ready(self) -> None:
        from . import due

        due.connect()
