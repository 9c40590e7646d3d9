from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "goldenthread.reviews"
    label = "reviews"
