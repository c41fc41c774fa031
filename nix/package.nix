# The nixk8s-lint package, shared by flake.nix (packages, overlay) and default.nix.
{
  lib,
  rustPlatform,
}:

let
  root = ../.;
  cargoToml = lib.importTOML ../Cargo.toml;
in
rustPlatform.buildRustPackage {
  pname = "nixk8s-lint";
  inherit (cargoToml.package) version;

  # What git tracks (in a flake, or a copy without .git: everything there is), less the
  # files that affect neither the build nor the tests, so that editing them does not rebuild.
  src = lib.fileset.toSource {
    inherit root;
    fileset = lib.fileset.difference (
      if builtins.pathExists ../.git then lib.fileset.gitTracked root else root
    ) (lib.fileset.unions (map lib.fileset.maybeMissing [
      ../flake.nix
      ../flake.lock
      ../default.nix
      ../nix
      ../.ci
      ../target
      ../result
    ]));
  };

  cargoLock.lockFile = ../Cargo.lock;

  # The tests run in the sandbox; those that drive external tools (nix-instantiate,
  # pre-commit, Vim, the SARIF validators) find none there and skip, as CI is unset.

  meta = {
    inherit (cargoToml.package) description;
    homepage = cargoToml.package.repository;
    license = with lib.licenses; [
      mit
      asl20
    ];
    mainProgram = "nixk8s-lint";
  };
}
