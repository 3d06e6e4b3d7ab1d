"""Registration of the stream consumer as the ``aggregate`` Lambda function.

``app.py`` registers it with ``app.register_blueprint(events_blueprint)``; infra wires
the data table's stream to the function (ReportBatchItemFailures, a tumbling window so
events name their shard, ParallelizationFactor 1; see ``aggregate``'s docstring).
"""

from __future__ import annotations

from typing import Any

from chalice import Blueprint

events_blueprint = Blueprint(__name__)


@events_blueprint.lambda_function(name="aggregate")
def aggregate(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Fold a DynamoDB Streams batch into the statistics."""
    # Imported here so the API function, which registers this blueprint, does not load
    # the consumer (Powertools batch, the stats store) at its cold start.
    from chalicelib.events.aggregate import handle_stream_batch

    return handle_stream_batch(event, context)
