# Whether capacity is in question: on the one answer scale for a question of fact, Yes, No,
# Not sure, as step 5's (#16). The same values; only their order on screen changes.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('risk', '0002_history_rows_append_only'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='riskenablement',
            name='risk_capacity_valid',
        ),
        migrations.AlterField(
            model_name='riskenablement',
            name='capacity_in_question',
            field=models.CharField(choices=[('yes', 'Yes'), ('no', 'No'), ('not_sure', 'Not sure')], default='no', max_length=10, verbose_name="Is the person's capacity to make this decision in question?"),
        ),
        migrations.AddConstraint(
            model_name='riskenablement',
            constraint=models.CheckConstraint(condition=models.Q(('capacity_in_question__in', ['yes', 'no', 'not_sure'])), name='risk_capacity_valid'),
        ),
    ]
