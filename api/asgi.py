"""ASGI entry point for production servers (``peyvand api`` or ``uvicorn api.asgi:app``)."""

from api.core.logging import configure_logging
from api.core.settings import get_settings
from api.main import create_app

_settings = get_settings()
configure_logging(_settings.log_level, _settings.log_json)
app = create_app(_settings)
