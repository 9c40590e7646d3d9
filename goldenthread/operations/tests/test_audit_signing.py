"""Purge checkpoints signed with a key held apart from the database (#20, OPS-7, SEC-3;
audit/signing.py, docs/adr/0002-audit.md): a database-only attacker who deletes audit rows
and appends a well-chained checkpoint for them is found, as is a checkpoint made with a key
the service does not hold; keys rotate by their id. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
import stat

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from goldenthread.audit import signing
from goldenthread.audit.models import AccessLog, AuditCheckpoint
from goldenthread.audit.tests.test_chain import verify_output
from goldenthread.operations import audit_retention

from .test_audit_retention import LONG_AGO, purge, view, write_old_and_new

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_and_new(practitioner, rf):
    return write_old_and_new(practitioner, rf)


ATTACKER_KEY = signing.new_key()


def test_a_checkpoint_signed_with_another_key_is_refused(old_and_new, practitioner, settings):
    """Someone with the database and the code, but not the key: they delete rows with the
    purge's own code and a key of their own. The chain is whole; the signature is not ours."""
    real = settings.GOLDENTHREAD_AUDIT_KEY
    settings.GOLDENTHREAD_AUDIT_KEY = ATTACKER_KEY
    purge(practitioner)
    verify_output()  # with their key, everything would check
    settings.GOLDENTHREAD_AUDIT_KEY = real
    attacker_id = signing.parse_key(ATTACKER_KEY).id
    with pytest.raises(CommandError, match="not intact") as failed:
        verify_output()
    assert f"checkpoint 1: signed with key {attacker_id}, which this service does not hold" in (
        str(failed.value)
    )


def test_a_forged_signature_under_our_key_id_is_refused(old_and_new, practitioner, monkeypatch):
    """The key id is in the database for anyone to copy; the signature cannot be made
    without the key."""
    honest = signing._mac
    forged_key = signing.AuditKey(id="unused", secret=b"\x01" * 32)
    monkeypatch.setattr(signing, "_mac", lambda key, *rest: honest(forged_key, *rest))
    purge(practitioner)
    checkpoint = AuditCheckpoint.objects.get()
    assert checkpoint.key_id == signing.signing_key().id
    monkeypatch.setattr(signing, "_mac", honest)
    with pytest.raises(CommandError, match="checkpoint 1: its signature does not match"):
        verify_output()


def test_an_unsigned_checkpoint_is_refused(old_and_new, practitioner, monkeypatch):
    monkeypatch.setattr(signing, "sign", lambda instance, after, key: None)
    purge(practitioner)
    assert AuditCheckpoint.objects.get().signature is None
    with pytest.raises(CommandError, match="checkpoint 1: the checkpoint is not signed"):
        verify_output()


def test_keys_rotate_and_a_retired_key_cannot_sign_after_its_successor(
    old_and_new, practitioner, settings, monkeypatch
):
    first = settings.GOLDENTHREAD_AUDIT_KEY
    second = signing.new_key()
    purge(practitioner)  # checkpoint 1, the first key
    settings.GOLDENTHREAD_AUDIT_KEY, settings.GOLDENTHREAD_AUDIT_OLD_KEYS = second, [first]
    verify_output()  # the retired key still checks what it signed
    with time_machine.travel(LONG_AGO, tick=False):
        view(practitioner)
        view(practitioner)
    purge(practitioner)  # checkpoint 2, the second key
    ids = list(AuditCheckpoint.objects.order_by("seq").values_list("key_id", flat=True))
    assert ids == [signing.parse_key(first).id, signing.parse_key(second).id]
    verify_output()
    out = io.StringIO()
    call_command("audit_key", "id", stdout=out)
    assert out.getvalue().splitlines()[:2] == [f"{ids[0]} retired", f"{ids[1]} current"]
    assert "Checkpoint head: 2 (when retiring the current key" in out.getvalue()

    # Someone who kept a copy of the retired key signs with it (skipping the purge's own
    # check first): refused, since its successor has signed.
    settings.GOLDENTHREAD_AUDIT_KEY, settings.GOLDENTHREAD_AUDIT_OLD_KEYS = first, []
    monkeypatch.setattr(audit_retention, "_verify_first", lambda: None)
    with time_machine.travel(LONG_AGO, tick=False):
        view(practitioner)
        view(practitioner)
    purge(practitioner)
    settings.GOLDENTHREAD_AUDIT_KEY, settings.GOLDENTHREAD_AUDIT_OLD_KEYS = second, [first]
    with pytest.raises(CommandError, match="checkpoint 3: signed with retired key"):
        verify_output()


def test_a_retired_key_with_its_last_checkpoint_signs_nothing_after_it(
    old_and_new, practitioner, settings, monkeypatch
):
    """Retired as KEY@N before its successor has signed anything: a leaked copy still
    cannot add checkpoint N + 1."""
    first = settings.GOLDENTHREAD_AUDIT_KEY
    purge(practitioner)  # checkpoint 1
    with time_machine.travel(LONG_AGO, tick=False):
        view(practitioner)
        view(practitioner)
    monkeypatch.setattr(audit_retention, "_verify_first", lambda: None)
    purge(practitioner)  # checkpoint 2, made with the leaked key after it was retired
    settings.GOLDENTHREAD_AUDIT_KEY = signing.new_key()
    settings.GOLDENTHREAD_AUDIT_OLD_KEYS = [f"{first}@2"]
    verify_output()
    settings.GOLDENTHREAD_AUDIT_OLD_KEYS = [f"{first}@1"]
    with pytest.raises(
        CommandError, match="checkpoint 2: signed with retired key .* after checkpoint 1"
    ):
        verify_output()


def test_no_key_no_purge(old_and_new, practitioner, settings):
    settings.GOLDENTHREAD_AUDIT_KEY = ""
    settings.GOLDENTHREAD_AUDIT_KEY_FILE = ""
    with pytest.raises(audit_retention.AuditRetentionError, match="No audit key"):
        purge(practitioner)
    assert AccessLog.objects.count() == 5
    assert not AuditCheckpoint.objects.exists()
    verify_output()  # no checkpoint: nothing needs a key


def test_the_demo_makes_its_key_file_once(old_and_new, practitioner, settings, tmp_path):
    """`make run`: no variable set, so the key is a file in the var directory, made with
    mode 0600 the first time a checkpoint is signed, and read from then on."""
    settings.GOLDENTHREAD_AUDIT_KEY = ""
    settings.GOLDENTHREAD_AUDIT_KEY_FILE = str(tmp_path / "audit-key")
    settings.GOLDENTHREAD_AUDIT_KEY_FILE_CREATE = False  # as production: never made
    with pytest.raises(audit_retention.AuditRetentionError, match="No audit key"):
        purge(practitioner)
    settings.GOLDENTHREAD_AUDIT_KEY_FILE_CREATE = True
    purge(practitioner)
    key_file = tmp_path / "audit-key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert AuditCheckpoint.objects.get().key_id == signing.parse_key(key_file.read_text()).id
    verify_output()
    key_file.write_text(signing.new_key())  # a different key: the checkpoint is refused
    with pytest.raises(CommandError, match="does not hold"):
        verify_output()


def test_the_key_never_shows_in_its_repr():
    key = signing.parse_key(ATTACKER_KEY)
    assert ATTACKER_KEY not in repr(key)
    assert repr(key.secret) not in repr(key)
    with pytest.raises(signing.AuditKeyError, match="32 bytes"):
        signing.parse_key("c2hvcnQ=")
