// JSON text written straight into a string, for the answers drawn many times a second (a
// case, the inbox, the list of cases): building nlohmann's tree of std::maps and then
// dumping it took a third of the inbox's time. Strings and trees are still written by
// nlohmann's serializer, so escaping and the replacement of invalid UTF-8 are its own.
// Keys are written in the order given: a caller that must match json::dump writes them
// in its sorted order (tests/json_writer_test.cc compares the bytes).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace osic {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out);

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  // A member's name: plain ASCII, written as it is.
  void key(std::string_view name);
  void string(const std::string& text);
  void number(int64_t n);
  void boolean(bool b);
  void null();
  void value(const nlohmann::json& tree);  // any tree, as json::dump writes it
  void strings(const std::vector<std::string>& texts);  // an array of them

 private:
  void element();  // the comma before every element of a container but its first
  void open(char bracket);
  void close(char bracket);
  std::string& out_;
  nlohmann::detail::serializer<nlohmann::json> serializer_;
  std::vector<bool> first_;  // for each open container: nothing written in it yet
  bool after_key_ = false;
};

}  // namespace osic
