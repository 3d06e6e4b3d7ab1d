"""Logbook's API: creates the Chalice app and registers the blueprints."""

import os

from chalice import Chalice

from chalicelib.api import (
    activities,
    authorizer,
    data,
    evaluation,
    exports,
    ideas,
    meta,
    networks,
    open_data,
    organisations,
    public_compare,
    public_report,
    public_stats,
    surveys,
)
from chalicelib.api.data import ZIP_MEDIA_TYPE
from chalicelib.api.gateway_answers import in_error_shape
from chalicelib.api.observe import log_request_context, publish_request_metrics
from chalicelib.domain.exports import XLSX_MEDIA_TYPE
from chalicelib.settings import get_settings

app = Chalice(app_name="logbook")
# XLSX exports are binary: API Gateway and Chalice pass them through base64.
app.api.binary_types.append(XLSX_MEDIA_TYPE)
# Organisation packages go out and come in as zip files.
app.api.binary_types.extend([ZIP_MEDIA_TYPE, "application/x-zip-compressed"])
# Structured logs with the request's ids, and the request's metrics when it ends.
app.register_middleware(log_request_context, "http")
app.register_middleware(publish_request_metrics, "http")
# Chalice's own refusals (405 for an undeclared method, 500) in our error shape, with CORS.
app.register_middleware(in_error_shape, "http")

app.register_blueprint(authorizer.authorizer_bp)
app.register_blueprint(meta.bp)
app.register_blueprint(organisations.bp)
app.register_blueprint(activities.bp)
app.register_blueprint(exports.bp)
app.register_blueprint(data.bp)
app.register_blueprint(surveys.bp)
app.register_blueprint(ideas.bp)
app.register_blueprint(evaluation.bp)
app.register_blueprint(networks.bp)
app.register_blueprint(public_stats.bp)
app.register_blueprint(public_compare.bp)
app.register_blueprint(public_report.bp)
app.register_blueprint(open_data.bp)
if "AWS_LAMBDA_FUNCTION_NAME" not in os.environ:
    # The stream consumer is a Lambda function of its own, whose handler lives in
    # chalicelib.events.blueprint and never imports this module. Registering it here
    # tells `chalice package` and the local tools about it; the deployed API
    # function skips it so its cold start does not load the consumer.
    from chalicelib.events.blueprint import events_blueprint

    app.register_blueprint(events_blueprint)
if get_settings().is_local:
    # The local issuer's sign-in exists only in the local stage (and is not imported elsewhere).
    from chalicelib.api.local_auth import local_auth_bp
    from chalicelib.api.local_files import local_files_bp

    app.register_blueprint(local_auth_bp)
    # The export bucket's stand-in: the file an export's link (?link=1) points to.
    app.register_blueprint(local_files_bp)
