"""Two-factor policy per organisation (on where mandatory) and hashed, expiring API tokens."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_role_grant_requests'),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('digest', models.CharField(max_length=128, primary_key=True, serialize=False)),
                ('token_key', models.CharField(db_index=True, max_length=25)),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('expiry', models.DateTimeField(blank=True, null=True)),
                ('client', models.CharField(max_length=64, verbose_name='client')),
            ],
            options={
                'verbose_name': 'API-token',
                'verbose_name_plural': 'API-tokens',
            },
        ),
        migrations.AddField(
            model_name='organisation',
            name='two_factor_required',
            field=models.BooleanField(default=False, help_text='Alle medewerkers van deze organisatie loggen in met een tweede stap (authenticator-app). Voor zorgaanbieders, coördinatiepunten, pools van gedragswetenschappers en beheer altijd verplicht.', verbose_name='tweestapsverificatie verplicht'),
        ),
        # Existing providers, coordination points, pools and administration show it on
        # (accounts.two_factor requires it for them anyway).
        migrations.RunSQL(
            "UPDATE accounts_organisation SET two_factor_required = true "
            "WHERE kind IN ('provider', 'coordination', 'expert_pool', 'administration')",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AddField(
            model_name='apitoken',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='auth_token_set', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='apitoken',
            constraint=models.UniqueConstraint(fields=('user', 'client'), name='api_token_one_per_client'),
        ),
    ]
