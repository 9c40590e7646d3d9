"""The API token's name and prefix in their own columns of the access log (IO-1, #15), no
longer packed into `what`. Nullable with no default: adding it rewrites no row (the append-only triggers
of 0002/0004 stay as they are; SQLite adds the column in place), and a NULL column is left
out of a row's hash, so every row written before keeps its hash (chain.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_hash_chain_required_and_guards'),
    ]

    operations = [
        migrations.AddField(
            model_name="accesslog",
            name="api_token_prefix",
            field=models.CharField(
                blank=True,
                help_text="Which token it was (names need not differ): the start of the token, which is not secret.",
                max_length=16,
                null=True,
                verbose_name="API token prefix",
            ),
        ),
        migrations.AddField(
            model_name='accesslog',
            name='api_token_name',
            field=models.CharField(blank=True, help_text='The name of the personal API token the call was made with, if any.', max_length=60, null=True, verbose_name='API token'),
        ),
    ]
