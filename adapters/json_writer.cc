#include "adapters/json_writer.h"

#include <algorithm>

namespace osic {

JsonWriter::JsonWriter(std::string& out)
    : out_(out),
      serializer_(nlohmann::detail::output_adapter<char, std::string>(out), ' ',
                  nlohmann::json::error_handler_t::replace) {}

void JsonWriter::element() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (first_.empty()) return;
  if (!first_.back()) out_ += ',';
  first_.back() = false;
}

void JsonWriter::open(char bracket) {
  element();
  out_ += bracket;
  first_.push_back(true);
}

void JsonWriter::close(char bracket) {
  out_ += bracket;
  first_.pop_back();
}

void JsonWriter::begin_object() { open('{'); }
void JsonWriter::end_object() { close('}'); }
void JsonWriter::begin_array() { open('['); }
void JsonWriter::end_array() { close(']'); }

void JsonWriter::key(std::string_view name) {
  element();
  out_ += '"';
  out_ += name;
  out_ += "\":";
  after_key_ = true;
}

// Text that JSON writes as it is (printable ASCII, no quote, no backslash) is copied
// between its quotes; anything else goes through nlohmann's serializer. Identifiers,
// states, times and logins are nearly every string of an answer, and each became a tree
// to be dumped.
void JsonWriter::string(const std::string& text) {
  const bool plain =
      std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
  if (!plain) return value(nlohmann::json(text));
  element();
  out_ += '"';
  out_ += text;
  out_ += '"';
}

void JsonWriter::number(int64_t n) {
  element();
  out_ += std::to_string(n);
}

void JsonWriter::boolean(bool b) {
  element();
  out_ += b ? "true" : "false";
}

void JsonWriter::null() {
  element();
  out_ += "null";
}

void JsonWriter::value(const nlohmann::json& tree) {
  element();
  serializer_.dump(tree, false, false, 0);
}

void JsonWriter::strings(const std::vector<std::string>& texts) {
  begin_array();
  for (const auto& t : texts) string(t);
  end_array();
}

}  // namespace osic
