// Referral with a margin note (issue 35, service/referrals.h): the JSON API's
// /v1/cases/{id}/referrals and the case page's forms.
#include "api/api.h"
#include "api/web/case_page.h"
#include "api/web/case_view.h"
#include "service/referrals.h"

namespace osic::api {

using nlohmann::json;
using web::Lang;

namespace {

json referral_json(const ReferralRow& r) {
  json j = {{"id", r.id},       {"case", r.case_id}, {"from", r.from_user},  {"to", r.to_user},
            {"kind", r.kind},   {"note", r.note},    {"made_at", format_timestamp(r.made_at)},
            {"status", r.status}};
  if (r.status != "open") {
    j["answer"] = r.answer;
    j["closed_at"] = format_timestamp(r.answered_at);
  }
  return j;
}

std::string text_of(const json& body, const char* key) {
  if (!body.contains(key) || body[key].is_null()) return "";
  if (!body[key].is_string()) throw Error(ErrorCode::kBadRequest, std::string("'") + key + "' must be a string", {key});
  return body[key].get<std::string>();
}

template <class T>
T unwrap_result(Result<T> r) {
  if (auto* e = std::get_if<Error>(&r)) throw *e;
  return std::move(std::get<T>(r));
}

}  // namespace

HttpResponse Api::refer(Call& call) {
  json body = parse_body(call.request, true);
  Referrals::Request request{text_of(body, "to"), text_of(body, "kind"), text_of(body, "note"), "api"};
  if (request.to.empty()) throw Error(ErrorCode::kBadRequest, "'to' names the colleague", {"to"});
  if (request.kind.empty()) request.kind = "review";
  Referrals referrals(service_);
  return json_response(201, referral_json(unwrap_result(
                                referrals.refer(call.store(), call.user->actor(), case_id(call.params), request))));
}

HttpResponse Api::answer_referral(Call& call) {
  json body = parse_body(call.request, true);
  Referrals referrals(service_);
  const int64_t id = parse_id(call.params.at("referral"), ErrorCode::kNotAvailable, "is not a referral");
  return json_response(200, referral_json(unwrap_result(referrals.answer(
                                call.store(), call.user->actor(), case_id(call.params), id, text_of(body, "note")))));
}

HttpResponse Api::withdraw_referral(Call& call) {
  Referrals referrals(service_);
  const int64_t id = parse_id(call.params.at("referral"), ErrorCode::kNotAvailable, "is not a referral");
  return json_response(
      200, referral_json(unwrap_result(referrals.withdraw(call.store(), call.user->actor(), case_id(call.params), id))));
}

HttpResponse Api::list_referrals(Call& call) {
  Referrals referrals(service_);
  json items = json::array();
  for (const auto& r : unwrap_result(referrals.of_case(call.store(), call.user->actor(), case_id(call.params)))) {
    items.push_back(referral_json(r));
  }
  return json_response(200, {{"items", items}});
}

HttpResponse Api::my_referrals(Call& call) {
  json items = json::array();
  for (const auto& r : call.store().open_referrals_to(call.user->actor().user)) items.push_back(referral_json(r));
  return json_response(200, {{"items", items}});
}

// The case page's forms: done, back to the page with a line saying so; refused, the page
// again with what was typed and why.
HttpResponse Api::refer_form(Call& call) {
  const Lang l = web::lang_of(call.lang);
  auto form = web::form_of(call.request);
  const Actor actor = call.user->actor();
  const int64_t id = case_id(call.params);
  Referrals referrals(service_);
  Referrals::Request request{form["to"], form["kind"].empty() ? "review" : form["kind"], form["note"], "web"};
  FormState state;
  state.action = "refer";
  state.values = form;
  if (request.to.empty()) {
    state.errors["to"] = web::tr("referral_choose_colleague", l);
  } else {
    auto r = referrals.refer(call.store(), actor, id, request);
    if (std::holds_alternative<ReferralRow>(r)) return web::redirect("/cases/" + std::to_string(id) + "?done=referred");
    const Error& e = std::get<Error>(r);
    if (e.code == ErrorCode::kDatabaseUnavailable || e.code == ErrorCode::kCaseNotFound) throw e;
    state.error = web::refusal_text(e, l);
  }
  return render_case_page(call, unwrap(service_.get(call.store(), id, &actor)), 422, &state);
}

HttpResponse Api::answer_referral_form(Call& call) {
  const Lang l = web::lang_of(call.lang);
  auto form = web::form_of(call.request);
  const Actor actor = call.user->actor();
  const int64_t id = case_id(call.params);
  const int64_t referral = parse_id(call.params.at("referral"), ErrorCode::kNotAvailable, "is not a referral");
  const bool answering = call.params.at("change") == "answer";
  if (!answering && call.params.at("change") != "withdraw") throw Error(ErrorCode::kRouteNotFound, "no such form");
  Referrals referrals(service_);
  auto r = answering ? referrals.answer(call.store(), actor, id, referral, form["note"], "web")
                     : referrals.withdraw(call.store(), actor, id, referral, "web");
  if (std::holds_alternative<ReferralRow>(r)) {
    // The colleague who answered may no longer read the case: back to their inbox.
    if (answering) return web::redirect("/inbox?done=referral_answered_done");
    return web::redirect("/cases/" + std::to_string(id) + "?done=referral_taken_back");
  }
  const Error& e = std::get<Error>(r);
  if (e.code == ErrorCode::kDatabaseUnavailable || e.code == ErrorCode::kCaseNotFound) throw e;
  FormState state;
  state.action = "referral_" + std::to_string(referral);
  state.values = form;
  if (e.code == ErrorCode::kCommentRequired) {
    state.errors["note"] = web::tr("referral_answer_needed", l);
  } else {
    state.error = web::refusal_text(e, l);
  }
  return render_case_page(call, unwrap(service_.get(call.store(), id, &actor)), http_status(e.code), &state);
}

}  // namespace osic::api
