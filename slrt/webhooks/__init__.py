"""Webhooks: signed deliveries of case and referral events to the URLs an API client subscribed."""
from flask import Flask


def init_app(app: Flask) -> None:
    from slrt.core.hooks import case_closed, case_registered, referral_changed
    from slrt.webhooks import commands, labels, operations, routes  # noqa: F401  (commands on bp.cli)
    from slrt.webhooks.delivery import install_session_hooks, worker_pass
    from slrt.webhooks.models import DeliveryStatus, WebhookEvent

    labels.register()
    app.register_blueprint(routes.bp)
    install_session_hooks()
    case_registered.connect(operations.on_case_registered)
    referral_changed.connect(operations.on_referral_changed)
    case_closed.connect(operations.on_case_closed)
    # `flask outbox run` runs this after each outbox pass: one worker for every message that leaves.
    app.extensions.setdefault("slrt.outbox_passes", []).append(worker_pass)
    app.jinja_env.globals.update(DeliveryStatus=DeliveryStatus, WebhookEvent=WebhookEvent)
    from slrt.privacy.operations import register_retention_task
    register_retention_task(operations.retention_task())  # ended deliveries go with the audit trail's period
