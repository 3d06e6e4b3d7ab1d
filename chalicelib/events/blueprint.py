"""Registration of the stream consumer as the ``aggregate`` Lambda function.

``app.py`` registers it with ``app.register_blueprint(events_blueprint)``; infra wires
the data table's stream to the function (ReportBatchItemFailures, a tumbling window so
events name their shard, ParallelizationFactor 1; see ``aggregate``'s docstring).
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

from chalicelib.events.aggregate import handle_stream_batch
from chalicelib.observability import logger

events_blueprint = Blueprint(__name__)


@events_blueprint.lambda_function(name="aggregate")
@logger.inject_lambda_context(clear_state=True)
def aggregate(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Fold a DynamoDB Streams batch into the statistics."""
    return handle_stream_batch(event, context)
