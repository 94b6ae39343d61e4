"""Why a line of a report's upload is refused, each reason a template in both languages.

The readers write the English (`DetailTemplate.en`, filled with ``format``) into the run's errors, where the
CLI, the API and the stored run keep it as written. The report's page shows it in the reader's language
(services.legal_text.rejection_in): the stored English matched against these templates, the Chinese filled
with the same values. Each reason is written once, here, for both.
"""

from __future__ import annotations

from vatspilot.analytics.supervision.details import DetailTemplate

__all__ = ["REJECTIONS", "ROW_FIELD", "ROW_FIELD_ZH"]

# A field's value.
REQUIRED = DetailTemplate("required", "必填")
LONGER_THAN = DetailTemplate("longer than {limit} characters", "超过{limit}个字符")
NOT_ONE_OF = DetailTemplate("not one of {values}", "不是以下取值之一：{values}")
NOT_A_GRADE = DetailTemplate(
    "not one of {values} (or 一般, 较大, 重大, 特别重大)", "不是以下取值之一：{values}（或一般、较大、重大、特别重大）"
)
REPEATED_ID = DetailTemplate("repeats the id on line {line}", "与第{line}行的标识重复")
NOT_AN_ADDRESS = DetailTemplate("not an IP address or CIDR", "不是IP地址或CIDR地址段")
HOST_BITS_SET = DetailTemplate("CIDR has host bits set", "CIDR地址段的主机位不为零")
NOT_A_TIME = DetailTemplate(
    "not a date and time (ISO 8601, e.g. 2025-11-03T10:00:00+08:00)",
    "不是日期时间（ISO 8601格式，例如2025-11-03T10:00:00+08:00）",
)
BEFORE_THE_EVENT = DetailTemplate("before the event's time", "早于事件发生时间")
STATUS_REQUIRED = DetailTemplate("required for an incident or a vulnerability", "网络安全事件和漏洞必须填写")
# A node's location.
NOT_MAINLAND = DetailTemplate(
    "Hong Kong, Macao and Taiwan are not mainland China: give the ISO code (HK, MO or TW)",
    "香港、澳门和台湾不属于中国大陆：请填写ISO代码（HK、MO或TW）",
)
NOT_A_DIVISION = DetailTemplate("not a GB/T 2260 division code", "不是GB/T 2260行政区划代码")
MAINLAND_BY_DIVISION = DetailTemplate(
    "a place in mainland China is given by its six-digit division code", "中国大陆的地点须以六位行政区划代码填写"
)
NOT_A_COUNTRY = DetailTemplate("not an ISO 3166 country code", "不是ISO 3166国家或地区代码")
NOT_A_LOCATION = DetailTemplate(
    "not a six-digit division code or an ISO 3166 country code", "既不是六位行政区划代码，也不是ISO 3166国家或地区代码"
)
# A line or the whole file.
MISSING_COLUMN = DetailTemplate("missing column", "缺少该列")
EMPTY_FILE = DetailTemplate("the file is empty: a header line is needed", "文件为空：须有标题行")
EMPTY_SHEET = DetailTemplate("the sheet is empty: a header row is needed", "工作表为空：须有标题行")
FIELD_COUNT = DetailTemplate("has {fields} fields, the header has {width}", "有{fields}个字段，标题行有{width}个")
NOT_UTF8 = DetailTemplate("not UTF-8 text", "不是UTF-8编码的文本")
NOT_CSV = DetailTemplate("not valid CSV ({error})", "不是有效的CSV（{error}）")
NOT_XLSX = DetailTemplate("not a readable XLSX workbook ({error})", "不是可读取的XLSX工作簿（{error}）")
NOT_JSON_OBJECT = DetailTemplate("not a JSON object", "不是JSON对象")
WRONG_FORMAT = DetailTemplate("the file must be one of {formats}", "文件格式须为以下之一：{formats}")
# The run itself.
STAGED_FILE_MISSING = DetailTemplate("the staged file is missing", "暂存的文件已不存在")
SUBMITTED_WHILE_READING = DetailTemplate(
    "the report was submitted while the file was being read", "读取文件期间报告已被提交"
)

# Every reason, the ones with a fixed text first (a template with a placeholder matches more).
REJECTIONS: tuple[DetailTemplate, ...] = (
    REQUIRED,
    NOT_AN_ADDRESS,
    HOST_BITS_SET,
    NOT_A_TIME,
    BEFORE_THE_EVENT,
    STATUS_REQUIRED,
    NOT_MAINLAND,
    NOT_A_DIVISION,
    MAINLAND_BY_DIVISION,
    NOT_A_COUNTRY,
    NOT_A_LOCATION,
    MISSING_COLUMN,
    EMPTY_FILE,
    EMPTY_SHEET,
    NOT_UTF8,
    NOT_JSON_OBJECT,
    STAGED_FILE_MISSING,
    SUBMITTED_WHILE_READING,
    LONGER_THAN,
    NOT_A_GRADE,  # before NOT_ONE_OF, which would match it too
    NOT_ONE_OF,
    REPEATED_ID,
    FIELD_COUNT,
    NOT_CSV,
    NOT_XLSX,
    WRONG_FORMAT,
)

# The field an error about a whole line or the file names, and its Chinese.
ROW_FIELD = "(row)"
ROW_FIELD_ZH = "（整行）"
