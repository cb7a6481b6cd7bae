from django import template

register = template.Library()


@register.inclusion_tag("reporting/_table.html")
def report_table(table, code, drill, query):
    rows = [{"values": list(values), "drill": row.get("drill")} for values, row in zip(table.values(), table.rows)]
    table.display_rows = rows
    return {"table": table, "code": code, "drill": drill, "query": query}
