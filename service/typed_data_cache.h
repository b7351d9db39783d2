// The typed data of cases read lately, kept by the thread that read them.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"

namespace osic {

// The typed data of cases read lately (CaseService::typed keeps one per thread), by their
// engine and the exact text stored. Typing is a pure function of the two, so a hit is the same Data; a case that
// changed has other text. The inbox types the same hundred cases for every request, and
// nlohmann's parse of each case's text was a seventh of the page. Direct-mapped: a slot
// holds the last case that hashed to it; its engine is held, so the definition it was
// typed by stays alive and its address is not reused while the slot names it.
class TypedDataCache {
 public:
  // The data `type()` gives for `text` under `engine`, typed once while it stays here.
  template <class Type>
  Data get(const std::shared_ptr<const Engine>& engine, const std::string& text, Type type) {
    const size_t h = std::hash<std::string>()(text) ^ (std::hash<const Engine*>()(engine.get()) * 31);
    Slot& slot = slots_[h % kSlots];
    if (slot.engine != engine || slot.text != text) {
      slot.data = type();
      slot.engine = engine;
      slot.text = text;
    }
    return slot.data;
  }

 private:
  static constexpr size_t kSlots = 512;
  struct Slot {
    std::shared_ptr<const Engine> engine;
    std::string text;
    Data data;
  };
  std::vector<Slot> slots_ = std::vector<Slot>(kSlots);
};

}  // namespace osic
