"""What gunicorn and `flask --app app` load."""
from slrt import create_app

app = create_app()
