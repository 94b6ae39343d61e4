"""Load the 31 mainland province-level divisions (GB/T 2260), one jurisdiction each."""

from django.db import migrations

PROVINCES = [
    ("110000", "Beijing", "北京市"),
    ("120000", "Tianjin", "天津市"),
    ("130000", "Hebei Province", "河北省"),
    ("140000", "Shanxi Province", "山西省"),
    ("150000", "Inner Mongolia Autonomous Region", "内蒙古自治区"),
    ("210000", "Liaoning Province", "辽宁省"),
    ("220000", "Jilin Province", "吉林省"),
    ("230000", "Heilongjiang Province", "黑龙江省"),
    ("310000", "Shanghai", "上海市"),
    ("320000", "Jiangsu Province", "江苏省"),
    ("330000", "Zhejiang Province", "浙江省"),
    ("340000", "Anhui Province", "安徽省"),
    ("350000", "Fujian Province", "福建省"),
    ("360000", "Jiangxi Province", "江西省"),
    ("370000", "Shandong Province", "山东省"),
    ("410000", "Henan Province", "河南省"),
    ("420000", "Hubei Province", "湖北省"),
    ("430000", "Hunan Province", "湖南省"),
    ("440000", "Guangdong Province", "广东省"),
    ("450000", "Guangxi Zhuang Autonomous Region", "广西壮族自治区"),
    ("460000", "Hainan Province", "海南省"),
    ("500000", "Chongqing", "重庆市"),
    ("510000", "Sichuan Province", "四川省"),
    ("520000", "Guizhou Province", "贵州省"),
    ("530000", "Yunnan Province", "云南省"),
    ("540000", "Tibet Autonomous Region", "西藏自治区"),
    ("610000", "Shaanxi Province", "陕西省"),
    ("620000", "Gansu Province", "甘肃省"),
    ("630000", "Qinghai Province", "青海省"),
    ("640000", "Ningxia Hui Autonomous Region", "宁夏回族自治区"),
    ("650000", "Xinjiang Uygur Autonomous Region", "新疆维吾尔自治区"),
]


def load(apps, schema_editor):
    Jurisdiction = apps.get_model("store", "Jurisdiction")
    for code, name_en, name_zh in PROVINCES:
        Jurisdiction.objects.update_or_create(code=code, defaults={"name_en": name_en, "name_zh": name_zh})


def unload(apps, schema_editor):
    apps.get_model("store", "Jurisdiction").objects.filter(code__in=[p[0] for p in PROVINCES]).delete()


class Migration(migrations.Migration):
    dependencies = [("store", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
