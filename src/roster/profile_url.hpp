#pragma once

// Platform and handle from a profile link, for every supported platform (PRODUCT.md, "Reading the
// roster"): with or without `http(s)://`, `www.`/`m.`/`mobile.` prefixes, query strings,
// fragments, trailing slashes, and pages below the profile (`x.com/h/status/1`). Internal to
// roster/.
//
// Decided: YouTube is read from `youtube.com/@handle` only; `/channel/<id>`, `/c/<name>` and
// `/user/<name>` name channel ids or legacy names that need not match the handle, so they are
// invalid with a reason asking for the @ link. Short links (`vm.tiktok.com`, `youtu.be`) cannot
// be resolved offline and are invalid too. `threads.com` is read like `threads.net`, `fb.com` like
// `facebook.com`, `snapchat.com/@h` like `/add/h`, country subdomains of linkedin.com are accepted.

#include <string>
#include <string_view>

#include "core/platform.hpp"

namespace roster {

// True when the (trimmed) text reads as a link rather than a handle: it starts with a scheme or
// `//`, or what precedes its first `/` is the host of a supported platform (with `www.` etc.).
bool looks_like_link(std::string_view text);

// Reads `platform` and `handle` (percent-decoded, spelling kept, not yet checked) from a profile
// link. Returns why it cannot, e.g. "link to example.com is not a supported platform", or empty.
std::string parse_profile_link(std::string_view text, core::Platform& platform, std::string& handle);

// The shape of a profile link for messages, e.g. "tiktok.com/@handle".
std::string_view profile_link_form(core::Platform platform);

}  // namespace roster
