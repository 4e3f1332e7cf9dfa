#include "Files.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <sys/stat.h>

using namespace llvm;

namespace asyncc::tool {
namespace {

struct Pending {
  std::string Target;  // the file to replace
  SmallString<256> Temp;
};

void report(StringRef Path, const Twine &Message) {
  errs() << "asyncc: error: cannot write '" << Path << "': " << Message << "\n";
}

// The temporary file, complete, with the target's permissions.
bool writeTemporary(const OutputFile &File, Pending &P) {
  P.Target = File.Path;
  // Through a symbolic link: replace the file it names, not the link.
  SmallString<256> Real;
  if (sys::fs::is_symlink_file(File.Path) && !sys::fs::real_path(File.Path, Real))
    P.Target = std::string(Real);
  sys::fs::file_status Existing;
  bool Exists = !sys::fs::status(P.Target, Existing) && sys::fs::exists(Existing);
  if (Exists && sys::fs::is_directory(Existing)) {
    report(File.Path, "is a directory");
    return false;
  }
  int FD;
  if (std::error_code EC = sys::fs::createUniqueFile(P.Target + ".asyncc-%%%%%%", FD, P.Temp,
                                                     sys::fs::OF_None, sys::fs::all_read | sys::fs::all_write)) {
    report(File.Path, EC.message());
    P.Temp.clear();
    return false;
  }
  raw_fd_ostream OS(FD, /*shouldClose=*/true);
  OS << File.Text;
  OS.close();
  if (OS.has_error()) {
    report(File.Path, OS.error().message());
    OS.clear_error();
    return false;
  }
  if (Exists) {
    if (std::error_code EC = sys::fs::setPermissions(P.Temp, Existing.permissions())) {
      report(File.Path, EC.message());
      return false;
    }
  } else {
    // createUniqueFile ignores the mode it is given for an existing umask: apply it.
    unsigned Mask = ::umask(0);
    ::umask(Mask);
    if (std::error_code EC = sys::fs::setPermissions(
            P.Temp, static_cast<sys::fs::perms>((sys::fs::all_read | sys::fs::all_write) & ~Mask))) {
      report(File.Path, EC.message());
      return false;
    }
  }
  return true;
}

void escapeInto(std::string &Out, StringRef Path) {
  for (char C : Path) {
    if (C == ' ' || C == '#' || C == '\\')
      Out += '\\';
    else if (C == '$')
      Out += '$';
    Out += C;
  }
}

} // namespace

bool writeAll(ArrayRef<OutputFile> Files) {
  std::vector<Pending> Temps(Files.size());
  bool Ok = true;
  for (size_t I = 0; Ok && I != Files.size(); ++I)
    Ok = writeTemporary(Files[I], Temps[I]);
  for (size_t I = 0; Ok && I != Files.size(); ++I) {
    if (std::error_code EC = sys::fs::rename(Temps[I].Temp, Temps[I].Target)) {
      report(Files[I].Path, EC.message());
      Ok = false;
      break;
    }
    Temps[I].Temp.clear();
  }
  for (const Pending &P : Temps)
    if (!P.Temp.empty())
      sys::fs::remove(P.Temp);
  return Ok;
}

std::string depfileRule(ArrayRef<std::string> Targets, ArrayRef<std::string> Dependencies) {
  std::string Out;
  for (size_t I = 0; I != Targets.size(); ++I) {
    if (I)
      Out += ' ';
    escapeInto(Out, Targets[I]);
  }
  Out += ':';
  for (const std::string &D : Dependencies) {
    Out += " \\\n  ";
    escapeInto(Out, D);
  }
  Out += '\n';
  return Out;
}

std::string mirroredPath(StringRef OutDir, StringRef Input, std::string &Error) {
  SmallString<256> Absolute(Input);
  sys::fs::make_absolute(Absolute);
  sys::path::remove_dots(Absolute, /*remove_dot_dot=*/true);
  SmallString<256> Current;
  sys::fs::current_path(Current);
  std::string Prefix(Current);
  if (!sys::path::is_separator(Prefix.back()))
    Prefix += sys::path::get_separator();
  StringRef Relative(Absolute);
  if (!Relative.consume_front(Prefix) || Relative.empty()) {
    Error = "'" + Input.str() + "' is not under the current directory, which --out-dir mirrors";
    return "";
  }
  SmallString<256> Out(OutDir);
  sys::path::append(Out, Relative);
  return std::string(Out);
}

} // namespace asyncc::tool
