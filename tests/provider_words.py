"""What a message to a provider about a rescue operation must never say: the operation's
nature, in English and in each shipped officer language (read case-folded, as stems)."""

FORBIDDEN = ("police", "raid", "rescue", "trafficking", "traffick", "operation")
FORBIDDEN_BY_LANGUAGE = {
    "en": (),
    "fr": ("police", "descente", "sauvetage", "traite", "trafic", "opération"),
    "km": ("ប៉ូលិស", "ឆ្មក់", "សង្គ្រោះ", "ជួញដូរ", "ប្រតិបត្តិការ"),
    "ru": ("полиц", "рейд", "облав", "спасен", "спасат", "торговл", "операц"),
    "th": ("ตำรวจ", "บุก", "จู่โจม", "ช่วยเหลือ", "ค้ามนุษย์", "ปฏิบัติการ"),
    "vi": ("công an", "cảnh sát", "đột kích", "giải cứu", "buôn bán người", "chiến dịch"),
}
