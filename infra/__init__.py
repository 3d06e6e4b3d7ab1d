"""Infrastructure as code for Logbook: one CDK stack per stage (dev, prod).

Everything here runs on a developer's machine or in CI and is never packaged into a
Lambda function (Chalice packages only ``app.py``, ``chalicelib/`` and what
``requirements.lock`` pins).
"""

import os

# jsii runs the CDK in Node.js; its notices about Node versions say nothing about Logbook.
# Set before anything imports aws_cdk (jsii reads them when it starts Node).
# The end-of-life notice is silenced per Node major version; the CDK CLI runs on any.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20,22")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
