# For users without flakes: `nix-build` builds the linter, `nix-env -if .` installs it.
{
  pkgs ? import <nixpkgs> { },
}:

pkgs.callPackage ./nix/package.nix { }
