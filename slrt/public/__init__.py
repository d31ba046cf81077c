"""The citizen's side: the ticket status page and the letter verification page."""
from flask import Flask


def init_app(app: Flask) -> None:
    from slrt.public import routes

    app.register_blueprint(routes.bp)
