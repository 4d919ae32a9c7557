"""How referral notices read in the chat: the officer's language, the provider's answer first."""

from actions.intake_view import person_block
from casework.person_texts import ARRANGED, arranged_due, need_text
from casework.referral_notices import Notice
from passage.config import get_settings
from translations.bidi import isolate
from translations.catalog import Catalogs
from translations.choices import option_title
from translations.free_text import free_text_lines
from translations.referral_texts import address_line, reason_text, status_text


def notice_lines(catalogs: Catalogs, notice: Notice, language: str) -> list[str]:
    values = {
        "provider": isolate(notice.provider),
        "code": notice.code,
        "need": option_title(catalogs, notice.need_id, language),
    }
    if notice.to_status == "accepted":
        lines = [catalogs.render("referral.notice.accepted", language, **values)]
        if notice.address:
            lines.append(
                catalogs.render(
                    "referral.notice.address",
                    language,
                    address=isolate(address_line(notice.address)),
                )
            )
    elif notice.to_status == "rejected":
        reason = reason_text(catalogs, notice.reason, language)
        lines = [catalogs.render("referral.notice.rejected", language, reason=reason, **values)]
        if notice.provider_note:
            note, *beside = free_text_lines(
                catalogs,
                notice.provider_note,
                written_in=notice.provider_language,
                reader_language=language,
                models_dir=get_settings().resolved_argos_packages_dir,
            )
            lines.append(
                catalogs.render("referral.notice.provider_note", language, note=isolate(note))
            )
            lines.extend(beside)
    elif notice.to_status == "cancelled" and notice.reason == "no_response":
        lines = [catalogs.render("referral.notice.no_response", language, **values)]
    elif notice.to_status == "cancelled":
        reason = reason_text(catalogs, notice.reason, language)
        lines = [catalogs.render("referral.notice.cancelled", language, reason=reason, **values)]
    else:
        status = status_text(catalogs, notice.to_status, language)
        lines = [catalogs.render("referral.notice.changed", language, status=status, **values)]
    lines.extend(_follow_up_lines(catalogs, notice, language, values["need"]))
    if arranged_due(notice.to_status):
        # For the person, the kind of help only: the address above is for the officer.
        arranged = person_block(
            ARRANGED,
            person_language=notice.person_language or language,
            officer_language=language,
            items=((None, need_text(notice.need_id)),),
        )
        lines += ["", *arranged.split("\n")]
    return lines


def _follow_up_lines(catalogs: Catalogs, notice: Notice, language: str, need: str) -> list[str]:
    if notice.follow_up == "sent":
        return [
            catalogs.render(
                "referral.notice.next_sent",
                language,
                provider=isolate(notice.next_provider or ""),
                code=notice.next_code,
            )
        ]
    if notice.follow_up == "offered":
        return [
            catalogs.render(
                "referral.notice.next_offered",
                language,
                provider=isolate(notice.next_provider or ""),
                need=need,
            )
        ]
    if notice.follow_up == "exhausted":
        return [catalogs.render("referral.notice.exhausted", language, need=need)]
    return []
