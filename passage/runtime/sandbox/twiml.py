"""The messages of a TwiML answer, as Twilio reads them to send them back to the phone."""

from xml.etree import ElementTree


def message_texts(twiml: str) -> list[str]:
    """The text of every <Message> in a <Response>; none for anything else."""
    try:
        # Our own API's answer on loopback, not a stranger's document.
        root = ElementTree.fromstring(twiml)  # noqa: S314
    except ElementTree.ParseError:
        return []
    if root.tag != "Response":
        return []
    return ["".join(message.itertext()) for message in root.iter("Message")]
