"""Reusable widgets of the trainee app. They get data as attributes and post messages up."""
