"""Record the casework access people already had before access needed a second person's
approval (#11): one approved row for each active practitioner and team leader with a team,
so an upgrade does not lock out every worker. From now on every new grant, and every change
of role or team, needs approving by a second person."""

from django.db import migrations
from django.utils import timezone

REASON = "Held before approval by a second person was required (recorded on upgrade)"


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    CaseworkAccess = apps.get_model("accounts", "CaseworkAccess")
    now = timezone.now()
    CaseworkAccess.objects.bulk_create(
        CaseworkAccess(user_id=user.pk, role=user.role, team_id=user.team_id,
                       status="approved", reason=REASON, granted_at=now, decided_at=now)
        for user in User.objects.filter(is_active=True, role__in=["practitioner", "team_leader"],
                                        team__isnull=False)
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_casework_access_codes_handovers")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
