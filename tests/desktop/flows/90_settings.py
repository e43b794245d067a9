"""Settings: the replica path and the providers are shown (no secret); a bad server URL is
refused beside the field, a good one kept."""
from driver import step


def run(d):
    step("settings show the replica path, the AI and the delivery providers")
    d.click("#nav-settings")
    d.wait_text("main h1", "Settings")
    d.wait_text("#replica-path", "replica.db")
    d.wait_text("#ai-status", "Offline")
    delivery = d.text("#delivery-table")
    for channel in ["Email", "Sms", "Letter"]:
        assert channel.lower() in delivery.lower(), delivery
    d.wait_text("main", "UNITCYCLE_SMTP_URL")
    d.wait_text("#server-status", "Standalone")
    d.shot("settings")

    step("a bad server URL is refused beside the field")
    d.type_into("#server-url", "central server")
    d.click("#server-save")
    d.wait_text("main", "must start with http:// or https://")
    d.wait_text("#server-status", "Standalone")

    step("a good server URL is kept where `unitcycle sync --server` keeps it")
    d.type_into("#server-url", "https://central.example.com/")
    d.click("#server-save")
    d.wait_text("#server-status", "Syncs with https://central.example.com")
