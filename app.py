"""Logbook's API: creates the Chalice app and registers the blueprints."""

from chalice import Chalice

from chalicelib.api import (
    activities,
    authorizer,
    exports,
    meta,
    organisations,
    public_compare,
    public_stats,
    surveys,
)
from chalicelib.domain.exports import XLSX_MEDIA_TYPE
from chalicelib.events.blueprint import events_blueprint
from chalicelib.settings import get_settings

app = Chalice(app_name="logbook")
# XLSX exports are binary: API Gateway and Chalice pass them through base64.
app.api.binary_types.append(XLSX_MEDIA_TYPE)

app.register_blueprint(authorizer.authorizer_bp)
app.register_blueprint(meta.bp)
app.register_blueprint(organisations.bp)
app.register_blueprint(activities.bp)
app.register_blueprint(exports.bp)
app.register_blueprint(surveys.bp)
app.register_blueprint(public_stats.bp)
app.register_blueprint(public_compare.bp)
app.register_blueprint(events_blueprint)
if get_settings().is_local:
    # The local issuer's sign-in exists only in the local stage (and is not imported elsewhere).
    from chalicelib.api.local_auth import local_auth_bp

    app.register_blueprint(local_auth_bp)
