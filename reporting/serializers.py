"""Output of the reports API: a report is its code and its tables (reporting.tables)."""

from rest_framework import serializers


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class TableSerializer(serializers.Serializer):
    """One table as the screens and exports show it (suppression already applied)."""

    key = serializers.CharField()
    title = serializers.CharField()
    columns = ColumnSerializer(many=True)
    rows = serializers.ListField(
        child=serializers.DictField(), help_text="One object per row, keyed by the columns' keys."
    )


class ReportSerializer(serializers.Serializer):
    """A report: `{"report": code, "tables": [Table, ...]}`."""

    report = serializers.CharField()
    tables = TableSerializer(many=True)
