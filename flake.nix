{
  description = "nixk8s-lint: a linter for NixOS configurations that run Kubernetes";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs =
    { self, nixpkgs }:
    let
      inherit (nixpkgs) lib;
      systems = [
        "x86_64-linux"
        "aarch64-linux"
        "x86_64-darwin"
        "aarch64-darwin"
      ];
      forAllSystems = f: lib.genAttrs systems (system: f nixpkgs.legacyPackages.${system});
      systemOf = pkgs: pkgs.stdenv.hostPlatform.system;
    in
    {
      packages = forAllSystems (pkgs: rec {
        nixk8s-lint = pkgs.callPackage ./nix/package.nix { };
        default = nixk8s-lint;
      });

      apps = forAllSystems (pkgs: {
        default = {
          type = "app";
          program = lib.getExe self.packages.${systemOf pkgs}.default;
          meta.description = "Lint Nix files for Kubernetes-on-NixOS mistakes";
        };
      });

      overlays.default = final: _prev: {
        nixk8s-lint = final.callPackage ./nix/package.nix { };
      };

      devShells = forAllSystems (pkgs: {
        default = pkgs.mkShell {
          packages = with pkgs; [
            cargo
            rustc
            clippy
            rustfmt
            rust-analyzer
          ];
          RUST_SRC_PATH = "${pkgs.rustPlatform.rustLibSrc}";
        };
      });

      checks = forAllSystems (pkgs: {
        # Builds the package and runs its test suite.
        package = self.packages.${systemOf pkgs}.default;
        # Dogfooding: the repository's own Nix files. testdata/ is left out: its examples
        # have planted pitfalls on purpose.
        lint = self.lib.lintSources {
          inherit pkgs;
          src = lib.fileset.toSource {
            root = ./.;
            fileset = lib.fileset.difference (lib.fileset.fileFilter (file: file.hasExt "nix") ./.) ./testdata;
          };
        };
      });

      # A derivation that runs `nixk8s-lint check` over a source tree and fails the build
      # when anything is reported. In your flake:
      #
      #   checks.${system}.nixk8s-lint = nixk8s-lint.lib.lintSources {
      #     pkgs = nixpkgs.legacyPackages.${system};
      #     src = ./.;
      #   };
      #
      # `args` are extra arguments for `nixk8s-lint check`, e.g. [ "--ignore" "mdns-hostname" ];
      # the `nixk8s-lint.toml` files inside `src` apply as usual.
      lib.lintSources =
        {
          pkgs,
          src,
          package ?
            self.packages.${systemOf pkgs}.default or (pkgs.callPackage ./nix/package.nix { }),
          args ? [ ],
          name ? "nixk8s-lint-check",
        }:
        pkgs.runCommand name { nativeBuildInputs = [ package ]; } ''
          cd ${src}
          nixk8s-lint check --color never ${lib.escapeShellArgs args} .
          touch "$out"
        '';
    };
}
