// The currencies an international office pays and is paid in: the rial, the reserve
// currencies, and those of the neighbours and partners it travels to.
#include "engine/currencies.h"

namespace osic {

const std::vector<Currency>& currencies() {
  static const std::vector<Currency> kAll = {
      {"IRR", "ریال", "Iranian rial"},
      {"EUR", "یورو", "euro"},
      {"USD", "دلار آمریکا", "US dollar"},
      {"GBP", "پوند انگلیس", "pound sterling"},
      {"CHF", "فرانک سوئیس", "Swiss franc"},
      {"JPY", "ین ژاپن", "Japanese yen"},
      {"CNY", "یوان چین", "Chinese yuan"},
      {"TRY", "لیر ترکیه", "Turkish lira"},
      {"AED", "درهم امارات", "UAE dirham"},
      {"RUB", "روبل روسیه", "Russian rouble"},
      {"INR", "روپیه هند", "Indian rupee"},
      {"PKR", "روپیه پاکستان", "Pakistani rupee"},
      {"AFN", "افغانی", "Afghan afghani"},
      {"IQD", "دینار عراق", "Iraqi dinar"},
      {"KWD", "دینار کویت", "Kuwaiti dinar"},
      {"BHD", "دینار بحرین", "Bahraini dinar"},
      {"JOD", "دینار اردن", "Jordanian dinar"},
      {"SAR", "ریال سعودی", "Saudi riyal"},
      {"QAR", "ریال قطر", "Qatari riyal"},
      {"OMR", "ریال عمان", "Omani rial"},
      {"AZN", "منات آذربایجان", "Azerbaijani manat"},
      {"TMT", "منات ترکمنستان", "Turkmen manat"},
      {"AMD", "درام ارمنستان", "Armenian dram"},
      {"GEL", "لاری گرجستان", "Georgian lari"},
      {"KZT", "تنگه قزاقستان", "Kazakh tenge"},
      {"UZS", "سوم ازبکستان", "Uzbek som"},
      {"TJS", "سامانی تاجیکستان", "Tajik somoni"},
      {"KGS", "سوم قرقیزستان", "Kyrgyz som"},
      {"MYR", "رینگیت مالزی", "Malaysian ringgit"},
      {"IDR", "روپیه اندونزی", "Indonesian rupiah"},
      {"THB", "بات تایلند", "Thai baht"},
      {"SGD", "دلار سنگاپور", "Singapore dollar"},
      {"HKD", "دلار هنگ‌کنگ", "Hong Kong dollar"},
      {"KRW", "وون کره جنوبی", "South Korean won"},
      {"CAD", "دلار کانادا", "Canadian dollar"},
      {"AUD", "دلار استرالیا", "Australian dollar"},
      {"NZD", "دلار نیوزیلند", "New Zealand dollar"},
      {"SEK", "کرون سوئد", "Swedish krona"},
      {"NOK", "کرون نروژ", "Norwegian krone"},
      {"DKK", "کرون دانمارک", "Danish krone"},
      {"PLN", "زلوتی لهستان", "Polish zloty"},
      {"HUF", "فورینت مجارستان", "Hungarian forint"},
      {"CZK", "کرون چک", "Czech koruna"},
      {"BRL", "رئال برزیل", "Brazilian real"},
      {"ZAR", "راند آفریقای جنوبی", "South African rand"},
      {"EGP", "پوند مصر", "Egyptian pound"},
      {"SYP", "پوند سوریه", "Syrian pound"},
      {"LBP", "پوند لبنان", "Lebanese pound"},
  };
  return kAll;
}

const Currency* find_currency(std::string_view code) {
  for (const auto& c : currencies()) {
    if (code == c.code) return &c;
  }
  return nullptr;
}

}  // namespace osic
