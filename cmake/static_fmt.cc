// fmt's compiled part for the static release build (cmake/StaticDeps.cmake). Debian's libfmt-dev
// has no libfmt.a, and its header-only mode costs every source file that formats about four
// seconds of compiling; so fmt's out-of-line functions are compiled here, once, from Debian's
// own headers, and the rest of the build uses fmt in its ordinary (not header-only) mode.
// Including format-inl.h without FMT_HEADER_ONLY defines fmt's non-template functions; the
// templates that fmt declares but defines only in format-inl.h are instantiated below for the
// character and floating-point types its headers use.
#include <fmt/format-inl.h>

#include <locale>

FMT_BEGIN_NAMESPACE
namespace detail {

template auto dragonbox::to_decimal(float x) noexcept -> dragonbox::decimal_fp<float>;
template auto dragonbox::to_decimal(double x) noexcept -> dragonbox::decimal_fp<double>;
template locale_ref::locale_ref(const std::locale& loc);
template auto locale_ref::get<std::locale>() const -> std::locale;
template auto thousands_sep_impl(locale_ref) -> thousands_sep_result<char>;
template auto thousands_sep_impl(locale_ref) -> thousands_sep_result<wchar_t>;
template auto decimal_point_impl(locale_ref) -> char;
template auto decimal_point_impl(locale_ref) -> wchar_t;

}  // namespace detail
FMT_END_NAMESPACE
