"""Logbook's API: creates the Chalice app and registers the blueprints."""

from chalice import Chalice

from chalicelib.api import activities, auth, meta, organisations, public_stats, surveys
from chalicelib.events.blueprint import events_blueprint
from chalicelib.settings import get_settings

app = Chalice(app_name="logbook")

app.register_blueprint(auth.authorizer_bp)
app.register_blueprint(meta.bp)
app.register_blueprint(organisations.bp)
app.register_blueprint(activities.bp)
app.register_blueprint(surveys.bp)
app.register_blueprint(public_stats.bp)
app.register_blueprint(events_blueprint)
if get_settings().is_local:
    # The local issuer's sign-in exists only in the local stage.
    app.register_blueprint(auth.local_auth_bp)
