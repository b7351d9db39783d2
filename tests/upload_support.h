// Uploading a small file to a case in a test, as the HTTP server and the CLI do (their
// spooling is tested with them): the content in a temporary file, its hash and head.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "service/case_files.h"
#include "service/crypto.h"

namespace osic::test {

inline const std::string kTinyPdf = "%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n";

inline Result<CaseFileRow> upload(CaseService& service, Storage& s, const Actor& who, int64_t id, const std::string& field,
                                  const std::string& content = kTinyPdf, const std::string& name = "letter.pdf",
                                  const std::string& type = "application/pdf") {
  static int counter = 0;
  const std::string path = ::testing::TempDir() + "upload_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
  std::ofstream(path, std::ios::binary) << content;
  Upload up{field, name, type, path, sha256_hex(content), static_cast<int64_t>(content.size()), content.substr(0, 512)};
  auto r = CaseFiles(service).attach(s, who, id, up);
  std::remove(path.c_str());
  return r;
}

// The same, failing the test when the upload is refused.
inline void uploaded(CaseService& service, Storage& s, const Actor& who, int64_t id, const std::string& field) {
  auto r = upload(service, s, who, id, field);
  if (auto* e = std::get_if<Error>(&r)) ADD_FAILURE() << "upload of " << field << " refused: " << e->message;
}

}  // namespace osic::test
