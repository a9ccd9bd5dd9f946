package ai.unison.plan;

import ai.unison.api.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The templates of {@link PlanningData}, per task. Ids are {@code <task-abbreviation>/<nn>}; every
 * fourth template of a task (nn = 03, 07, 11, ...) is held out. Generation templates are patterns
 * for {@link PlanningDraft#write}; understanding templates compute their answer or say what they ask.
 */
final class PlanningTemplates {

    private PlanningTemplates() {}

    private static List<PlanningData.Template> build() {
        List<PlanningData.Template> all = new ArrayList<>();
        patterns(all, Task.TEXT_TO_IMAGE, "t2i",
                "{v} {an_img} of {content}[ {size}]",
                "{content}[, {size}]",
                "{v} a [{sizeadj} ]{img} of {content}",
                "i want {an_img} of {content}[, {size}]",
                "[{size}: ]{content}",
                "draw {content}[ {size}]",
                "{an_img}: {content}[. {size}]",
                "show me {content}[ {size}]",
                "{v} {content} as {an_img}[ {size}]",
                "picture this: {content}[, {size}]",
                "{v} {an_img}[ {size}] showing {content}",
                "need {an_img} of {content} asap[, {size}]",
                "text to image: {content}[ | {size}]",
                "{v} {an_img} with {content} in it[, {size}]",
                "can you {v} {an_img} of {content}[ {size}]?",
                "could i get {genimg} of {content}[, {size}]",
                "[{size} ]{genimg} of {content}",
                "i'd like {genimg}: {content}",
                "{v} me {genimg} showing {content}[ in {sizeadj}]",
                "{content}? hmm no, {v} {content} instead[ {size}]",
                "{content} pls[ {size}]",
                "{genimg} idea: {content}[ ({size})]",
                "generate: {content}[; {size}]",
                "{v} {content} for my wall[, {size}]",
                "what would {content} look like? {v} it[ {size}]",
                "is it possible to {v} {an_img} of {content}?[ {size}]",
                "I need {genimg} for a presentation: {content}[, {size}]",
                "{content} — {genimg}[, {size}]",
                "{v} {an_img} of {motion}[ {size}]",
                "{content}, {sizeadj} {img}",
                "{genimg} please. {content}",
                "{sizeadj} {img}, {content}",
                "{v} {genimg}[ {size}]. subject: {content}",
                "{genimg} of {anything}[, {size}]",
                "let's see {content}[ {size}]",
                "{v} {anything}[, {size}]",
                "would love {genimg} of {content}",
                "{content} in a {img}[ {size}]",
                "quick {img}: {content}",
                "{v}: {content}[ - {size}]",
                "{v} {an_img}. {content}. {size}",
                "{content}. no video, just {an_img}",
                "{v} {genimg} with 2 layers: {content}[, {size}]",
                "{size}, {content}",
                "{size} - {anything}",
                "{content}. {size}, a still",
                "orientation and size: {size}. {anything}");
        patterns(all, Task.TEXT_TO_VIDEO, "t2v",
                "{vv} {a_vid} of {motion}[ {size}][, {dur}]",
                "{motion}[, {dur}][, {size}]",
                "{vv} a [{duradj} ]{vid} of {motion}[ {size}]",
                "i need a [{duradj} ]{vid}: {motion}[, {size}]",
                "{vv} a [{sizeadj} ]{vid} of {motion}[ {dur}]",
                "animate {motion}[ {dur}][ {size}]",
                "{a_vid}[ {dur}] of {motion}[, {size}]",
                "[{sizeadj} ]{vid}: {motion}[, {dur}]",
                "show {motion} in {a_vid}[ {dur}][ {size}]",
                "{vv} {a_vid}[ {size}] showing {motion}[. {dur}]",
                "text to video: {motion}[ | {dur}][ | {size}]",
                "film {motion}[ {dur}][ {size}]",
                "{vv} {a_vid}: {motion}[, {dur}][ and {size}]",
                "can you {vv} {genvid} of {motion}[ {dur}][ {size}]?",
                "{genvid}: {motion}[. {dur}][. {size}]",
                "[{dur} ]{genvid} of {motion}",
                "{motion} — {genvid}[, {dur}]",
                "{vv} me {genvid} where {motion}[ {size}]",
                "{genvid} idea: {motion}[ ({dur})]",
                "{duradj} {vid} of {motion}[ {size}]",
                "{motion}, as {genvid}[, {dur}][, {size}]",
                "{motion}? no wait, {motion} instead, as {genvid}[, {dur}]",
                "could you animate {content}[, {dur}]",
                "{vv} {a_vid} of {content}[ {dur}]",
                "i need footage of {motion}[, {dur}][, {size}]",
                "{genvid} for my channel: {motion}[ {sizeadj}]",
                "render {motion} as {genvid}[ {dur}]",
                "{vv} {genvid}, {dur}, {motion}",
                "what would {motion} look like in motion? show me {a_vid}[, {dur}]",
                "{motion} in {sizeadj}, {dur}",
                "{genvid} of {anything}[, {dur}][, {size}]",
                "is it possible to {vv} {genvid} of {motion}?[ {dur}]",
                "{vv} a {vid} ({dur}) of {motion}",
                "{motion}. {dur}. {vid}.",
                "{sizeadj} {vid}: {motion}[, {dur}]",
                "{vv} {genvid} with {motion}[. {size}]",
                "{motion} as a moving {img}[ {dur}]",
                "{vid} pls: {motion}[ {dur}]",
                "video, not a picture: {motion}[, {dur}]",
                "{dur} of {motion}[, {size}]",
                "{vv} {a_vid} at 24 fps of {motion}[, {dur}]");
        patterns(all, Task.IMAGE_EDIT, "edit",
                "edit {src}: {edit}",
                "{edit} in {src}",
                "use {mask} as the mask on {src} and {edit}",
                "{src} + {mask}: {edit}",
                "here is a photo {src!} and a mask {mask!}. {edit}",
                "in {src}, {edit} (only inside {mask})",
                "{edit}. source: {src}, mask: {mask}",
                "apply this edit to {src} using the mask {mask!}: {edit}",
                "{mask} is the mask, {src} is the image. {edit}",
                "with {mask} as the region, {edit} on {src}",
                "{edit}[, output {size}] - image: {src}",
                "please fix {src}: {edit}",
                "{src} edit: {edit}[, output {size}]",
                "{edit2} in this {photo}{+src}",
                "{edit2}{+src}",
                "hey could u {edit2} in {src}",
                "{src!} {edit2}",
                "{edit2} - {src}",
                "{edit2} in {src}, mask: {mask}",
                "In {src}, only inside the white part of {mask}, {edit2}",
                "got a mask {mask!} and a {photo} {src!}. {edit2}",
                "the mask is {mask!}, the {photo} is {src!}: {edit2}",
                "{edit2}, only where {mask} is white. {photo}: {src}",
                "{edit2} in my {photo}{+src}[, output {size}]",
                "Edit {src}: {edit2}[, output {size}]",
                "{photo} attached, {edit2} pls{+src}",
                "retouch {src}: {edit2}",
                "can you {edit2} from {src}?",
                "{src} -> {edit2}",
                "mask {mask!} + {photo} {src!}. {edit2}",
                "{edit2} using the mask{+src}{+mask}",
                "{edit2}. the 2nd file is the mask{+src}{+mask}",
                "{edit2}. the first attachment is the mask, the second the {photo}{+mask}{+src}",
                "modify {src}: {edit2}",
                "{edit2} on this {photo} {src!}[ at {size}]",
                "{edit2} in the picture i sent{+src}",
                "I took this {photo} {src!} - could you {edit2}?",
                "{edit2}, masked region = {mask}, image = {src}",
                "inpaint {src} with {mask}: {edit2}",
                "inpainting: {edit2}{+src}{+mask}",
                "{edit2} but keep the rest of {src} the same",
                "change my {photo} {src!}: {edit2}",
                "{edit2}. first pic is the {photo}, second one is the mask{+src}{+mask}",
                "{edit2} ({photo} first, mask second){+src}{+mask}",
                "could you {edit2}? the mask is attached as well{+src}{+mask}",
                "mask first, then the {photo}: {edit2}{+mask}{+src}",
                "here's a mask {mask!} and here's the {photo} {src!}, {edit2}",
                "using {mask} on {src}: {edit2}",
                "{edit2}; the mask comes before the {photo}{+mask}{+src}",
                "{photo} and then its mask: {edit2}{+src}{+mask}",
                "photoshop {subjg} out of {src}",
                "could u photoshop {subjg} out of my {photo}{+src}",
                "{src!} photoshop the {shape} out",
                "{mask} on {src}: {edit2}",
                "using {mask} with {src}, {edit2}");
        patterns(all, Task.IMAGE_CONTROL, "ctrl",
                "use {ctrl} as the outline and {colours}",
                "{v} {an_img} from {ctrl}: {colours}[ {size}]",
                "colour in {ctrl}: {colours}",
                "follow the outline in {ctrl}. {colours}",
                "{ctrl} controls the layout; {colours}[, {size}]",
                "fill {ctrl} so that {colours}",
                "turn this sketch {ctrl!} into a picture: {colours}",
                "generate following the edges of {ctrl}, {colours}",
                "controlnet-style: {ctrl} -> {colours}[ {size}]",
                "using {ctrl} as a guide, {v} {ctrlscene}",
                "draw {ctrlscene} on top of the lines in {ctrl}",
                "{ctrl} - make it {ctrlscene}",
                "use this {ctrlnoun} to {v} {scene}{+ctrl}[, {size}]",
                "{ctrlnoun} attached. make it into {scene}{+ctrl}[, {size}]",
                "controlnet with {ctrlnoun} {ctrl!}: {scene}",
                "follow this {ctrlnoun} {ctrl!} and {v} {scene}",
                "{ctrlnoun} is attached; {v} {scene}[ in {sizeadj}]{+ctrl}",
                "keep the lines of {ctrl} exactly and {colours}",
                "{ctrlnoun} {ctrl!} -> {scene}[, {size}]",
                "here's my {ctrlnoun} {ctrl!}, {v} {scene} from it",
                "{v} {scene} guided by the {ctrlnoun} {ctrl!}",
                "{scene}, using {ctrl} as the {ctrlnoun}[, {size}]",
                "{ctrl!} is a {ctrlnoun} - {scene}",
                "turn my {ctrlnoun} into {scene}{+ctrl}",
                "{v} {scene} that matches the {ctrlnoun} {ctrl!}[ {size}]",
                "condition on the {ctrlnoun} {ctrl!}: {scene}",
                "{ctrlnoun} to image: {ctrl!} {scene}",
                "match the pose in {ctrl} and {v} {scene}",
                "same composition as the {ctrlnoun} {ctrl!}, but as {scene}",
                "{colours}, following the {ctrlnoun}{+ctrl}",
                "{ctrlnoun} {ctrl!}. {scene}. {size}",
                "I drew a {ctrlnoun} {ctrl!}, can you make it {scene}?",
                "based on the {ctrlnoun} {ctrl!}, {v} {scene}[ {size}]",
                "{scene} from my {ctrlnoun}{+ctrl}",
                "{ctrl!} use as {ctrlnoun}, output {scene}",
                "{ctrlnoun} guided: {scene}{+ctrl}[ | {size}]",
                "make {scene} with the exact structure of {ctrl}",
                "{v} {scene} on top of this {ctrlnoun}{+ctrl}",
                "the {ctrlnoun} {ctrl!} should drive the layout: {scene}",
                "colour in my {ctrlnoun} {ctrl!}: {colours}",
                "the shapes of {ctrl} should become {colourlist}",
                "the outlined shapes in {ctrl} need to be {colourlist}",
                "{ctrl}'s shapes: {colourlist}",
                "colour the shapes in {ctrl} {colourlist}",
                "I want the shapes in this {ctrlnoun} to be {colourlist}{+ctrl}");
        patterns(all, Task.IMAGE_REFERENCE, "ref",
                "put the object from {ref} {place}",
                "place {ref} {place}",
                "{v} {an_img} with the object in {ref} {place}[, {size}]",
                "take this thing {ref!} and put it {place}",
                "{ref} is the reference. show it {place}[ {size}]",
                "use {ref} as a reference and draw it {place}",
                "same object as {ref}, but {place}",
                "reference: {ref}. target: the object {place}",
                "{v} a scene where the object from {ref} sits {place}",
                "copy the shape in {ref} {place}",
                "keep the subject of {ref} and {v} it {place}[, {size}]",
                "make a new image of {ref} {place}",
                "put {subj} {ref!} {where}",
                "I want {subj} {ref!} {where}[, {size}]",
                "{subj} {ref!} {where} pls",
                "using this {photo} as reference, {v} {an_img} with it {where}{+ref}",
                "take {subjg} from the {photo} and put it {where}{+ref}",
                "reference {ref!} - goal: {subjg} {where}",
                "{subj} {ref!}, but {where}[, {size}]",
                "{v} {an_img} of {subj} {ref!} {where}[ {size}]",
                "can you place {subj} {ref!} {where}?",
                "{subj} {ref!} chilling {where}",
                "new {photo} of {subj} {ref!} {where}[, {size}]",
                "show {subj} {ref!} {where}",
                "insert {subj} {ref!} into a scene {where}",
                "same {subjg} as in {ref}, {where}",
                "{v} {subj} {ref!} {where}, keep it looking the same",
                "reference image {ref!}. {v} it {where}",
                "{where}: {subj} {ref!}",
                "{subj} {ref!} {where}, {genimg}[, {size}]",
                "{v} {genimg} featuring {subj} {ref!} {where}",
                "I'd like {subj} {ref!} to appear {where}",
                "keep {subjg} identical to {ref} but put it {where}",
                "{v} {subj} {where}{+ref}",
                "imagine {subj} {ref!} {where}[ {size}]",
                "my {photo} {ref!}: put {subjg} {where}",
                "{subj} {ref!} sitting {where}[ {size}]",
                "this is {subjg}: {ref!}. now show it {where}",
                "{subjg} in {ref} {where} please[ {size}]",
                "{genimg} with {subj} {ref!} {where}");
        patterns(all, Task.IMAGE_TO_VIDEO, "i2v",
                "animate {frame}: {imove}[ {dur}]",
                "use {frame} as the {which} frame and {imove}[, {dur}]",
                "make a video from {frame}[ {dur}] where {imove}",
                "{frame} should be the {which} frame. {imove}[ {size}]",
                "start a clip from {frame}: {imove}",
                "{vv} {a_vid}[ {dur}] with {frame} as the {which} frame, {imove}",
                "bring {frame} to life, {imove}[, {dur}][, {size}]",
                "image to video: {frame} ({which} frame), {imove}",
                "{imove}. {frame} is the {which} frame[. {dur}]",
                "here's the {which} frame {frame!} - {imove}[, {dur}]",
                "make {frame} move: {imove}[ {dur}]",
                "{frame} -> video, {imove}, {which} frame[, {dur}]",
                "animate {frame}[ as the {which} frame] where {imove}[, {size}]",
                "animate {frame}[ {dur}]",
                "bring {still} to life[, {dur}][, {size}]{+frame}",
                "the video should {endon}: {frame!}. {i2vmove}",
                "{which} frame: {frame}. {i2vmove}[ {dur}]",
                "make a short clip that {endson}[ {dur}]{+frame}",
                "animate {still} {frame!} - {i2vmove}[. {sizeadj}]",
                "image to vid: {frame}, {i2vmove}[, {dur}]",
                "from {frame}, {i2vmove}[, {dur}][, {size}]",
                "{i2vmove}, {starting}[, {dur}]{+frame}",
                "{i2vmove}, {ending}[, {dur}]{+frame}",
                "{vv} {a_vid} that {endson}{+frame}: {i2vmove}[, {dur}]",
                "{vv} {a_vid} that {startson}{+frame}: {i2vmove}",
                "make {frame} move[, {dur}]",
                "turn {still} {frame!} into a video[ {dur}][ {size}]",
                "{still} {frame!} -> {vid}: {i2vmove}",
                "can you animate {still}{+frame}?[ {dur}]",
                "make {still} {frame!} into {a_vid} where {i2vmove}",
                "{frame!} animate this[, {dur}]",
                "{frame} as a {vid}, {i2vmove}[ {dur}]",
                "{i2vmove}. {starton}{+frame}. {dur}",
                "{i2vmove}[ {dur}] and {endon}{+frame}",
                "i have a still {frame!}, make it a {vid}[ {dur}]",
                "{vid} from this {photo}{+frame}: {i2vmove}[, {size}]",
                "image-to-video {frame}[ {dur}][ {size}]",
                "let {still} {frame!} play out: {i2vmove}",
                "{which} frame of the {vid} = {frame}; {i2vmove}",
                "use {frame} as the {which} frame[ {dur}]",
                "animate the attached {photo}{+frame}[, {dur}], {i2vmove}");
        patterns(all, Task.VIDEO_REFERENCE, "vref",
                "make a video of the object in {ref} {omove}[ {dur}]",
                "{vv} {a_vid} where the thing from {ref} is {omove}[, {dur}][, {size}]",
                "use {ref} as the reference and show it {omove}[ {dur}]",
                "{ref} {omove}, as a video[, {dur}]",
                "a clip of {ref} {omove}[, {size}]",
                "reference video: {ref}, {omove}[, {dur}]",
                "i want a [{duradj} ]{vid} of this object {ref!} {omove}",
                "take the object in {ref} and make it move: {omove}",
                "{vv} a [{sizeadj} ]{vid} with the object from {ref} {omove}",
                "the object in {ref} should be {omove} in a new clip[ {dur}]",
                "show {ref} {omove} on a {bg} background[ {dur}]",
                "subject {ref}; motion: {omove}[; {dur}]",
                "{vv} {genvid} of {subj} {ref!} {action}[, {dur}]",
                "use {subjg} in {ref} as the star: it is {action}[, {dur}]",
                "vid of {subj} {ref!} {action}[, {size}]",
                "take {subjg} in the {photo} and make a new clip where it is {action}[, {dur}]{+ref}",
                "{subj} {ref!} {action}, {genvid}[, {dur}][, {size}]",
                "same {subjg} as in the attached {photo}, {action} in a new video{+ref}",
                "{genvid} of {subjg} from {ref} {action}[, {dur}]",
                "{vv} {genvid} starring {subj} {ref!}, {action}[ {dur}]",
                "I want {subj} {ref!} {action} in {genvid}[, {dur}]",
                "{subj} {ref!} as the main character of {genvid}: {action}",
                "{vv} {subj} {ref!} {action}, video please[, {dur}]",
                "{genvid} with {subj} {ref!} {action}",
                "reference {ref!}: {vv} {genvid} of it {action}",
                "keep {subjg} from {ref} and show it {action} in a new {vid}",
                "{subj} {ref!} {action}[ {dur}] as {a_vid}",
                "video: {subj} {ref!} {action}[. {size}]",
                "{genvid} where {subj} {ref!} is {action}[ {dur}]",
                "{subj} {ref!} {action} - make it a {vid}[, {sizeadj}]",
                "{vv} {a_vid} of {subj} {action}{+ref}[ {dur}]",
                "show me {subj} {ref!} {action} in {a_vid}",
                "can {subj} {ref!} be {action} in {a_vid}?[ {dur}]",
                "starring {subj} {ref!}: {action}, {dur}",
                "clip of {subj} {ref!} {action}[ {dur}][ {size}]",
                "{ref!} this is {subjg}; {vv} {a_vid} of it {action}",
                "new {vid}, same {subjg} as {ref}, {action}",
                "{subj} {ref!} {action}, {vid} format[, {dur}]",
                "{vv} {genvid}: the {subjg} from {ref} {action} {where}",
                "subject: {ref} / motion: {omove}[ / {dur}]",
                "object = {ref}, movement = {omove}[, {dur}]",
                "ref: {ref} | move: {omove}[ | {dur}]",
                "reference {ref!}; it should be {omove}; video[, {dur}]");
        patterns(all, Task.VIDEO_EDIT, "vedit",
                "edit {clip}: {vedit}",
                "{vedit} in {clip}",
                "in {clip}, {vedit}",
                "{clip} {vedit} pls",
                "take {clip} and {vedit}",
                "use {vmask} as the mask on {clip} and {vedit}",
                "video edit: {vedit}. clip: {clip}",
                "{vmask} marks the area to change in {clip}; {vedit}",
                "{clip}: {vedit}, keep everything else",
                "{vedit} throughout {clip}",
                "redo {clip} but {vedit}",
                "for the clip {clip!}, {vedit} inside the mask {vmask!}",
                "{vedit2} in the attached {clipn}{+clip}",
                "{vedit2} in the {clipn}, mask is attached too{+clip}{+vmask}",
                "edit {clipn}: {clip}; mask: {vmask}; {vedit2}",
                "the mask {vmask!} belongs to the {clipn} {clip!}: {vedit2}",
                "{clip!} {vedit2}",
                "{vedit2} - {clip}",
                "{vedit2}{+clip}",
                "in my {clipn} {clip!}, {vedit2}",
                "can you {vedit2} in {clip}?",
                "{clipn} attached. {vedit2}{+clip}",
                "{vedit2} in {clip}, only inside {vmask}",
                "{clip} + mask {vmask!}: {vedit2}",
                "here's the mask {vmask!} and the {clipn} {clip!}: {vedit2}",
                "{vedit2} in every frame of {clip}",
                "modify my {clipn} {clip!}: {vedit2}",
                "{vedit2} in this {clipn}{+clip}[, output {size}]",
                "fix {clip}: {vedit2}",
                "video inpainting: {vedit2}{+clip}{+vmask}",
                "{vedit2}. first file is the mask, second the {clipn}{+vmask}{+clip}",
                "{vedit2} but leave the rest of {clip} alone",
                "{clipn} {clip!} needs an edit: {vedit2}",
                "go through {clip} and {vedit2}",
                "{clip!} mask {vmask!} {vedit2}",
                "please edit the {clipn} i attached: {vedit2}{+clip}",
                "{vedit2} in the {clipn} {clip!} (keep the motion)",
                "{clip} - {vedit2} in the masked area {vmask}",
                "edit the footage {clip!}, {vedit2}",
                "can u {vedit2} in {clip} using the mask {vmask!}",
                "mask {vmask!} video {clip!}: {vedit2}",
                "the mask and the {clipn} it belongs to: {vedit2}{+vmask}{+clip}",
                "{vedit2}. {clipn} first, then its mask{+clip}{+vmask}",
                "the {clipn} is {clip!} and the mask is {vmask!}; {vedit2}");
        patterns(all, Task.VIDEO_CONTROL, "vctrl",
                "use {vctrl} as the motion outline and {colours}",
                "{vv} {a_vid} following {vctrl}: {colours}[ {size}]",
                "colour the outline clip {vctrl!}: {colours}",
                "{vctrl} -> {vid} where {colours}",
                "follow the edges in {vctrl}, {colours}",
                "render {vctrl} as a real video of {ctrlscene}",
                "turn the outline video {vctrl!} into {ctrlscene}[, {size}]",
                "use the pose sequence {vctrl!} to make {ctrlscene}",
                "{vctrl} is the control clip. {colours}",
                "fill in {vctrl}: {colours}",
                "make a clip of {ctrlscene} that follows {vctrl}",
                "outline {vctrl} - {colours} please",
                "{vctrl!} colour it: {colours}",
                "use this {vctrlnoun} to {vv} {scene}{+vctrl}",
                "{vctrlnoun} {vctrl!} -> {scene}[, {size}]",
                "{vctrlnoun} attached. make it look like {scene}{+vctrl}",
                "{vctrl!} is a {vctrlnoun}, turn it into {scene}[, {size}]",
                "follow the motion in this {vctrlnoun} {vctrl!} and render {scene}",
                "{vv} {a_vid} of {scene} driven by the {vctrlnoun} {vctrl!}",
                "{scene}, using {vctrl} as the {vctrlnoun}",
                "turn my {vctrlnoun} into {scene}{+vctrl}[ {sizeadj}]",
                "{vctrlnoun} to video: {vctrl!} {scene}",
                "match the movement of the {vctrlnoun} {vctrl!}: {scene}",
                "controlnet video {vctrl!}: {colours}",
                "{vctrlnoun} {vctrl!}. {scene}. {size}",
                "here's a {vctrlnoun} {vctrl!}; {vv} {scene} that moves the same way",
                "{scene} following the {vctrlnoun}{+vctrl}",
                "{vctrlnoun} guided {vid}: {scene}{+vctrl}[ | {size}]",
                "based on {vctrl} ({vctrlnoun}), {vv} {scene}",
                "I recorded a {vctrlnoun} {vctrl!}, can you make it {scene}?",
                "{vv} {scene} with the motion of {vctrl}",
                "{vctrlnoun} attached, output {scene}{+vctrl}[, {sizeadj}]",
                "retarget the {vctrlnoun} {vctrl!} onto {scene}",
                "{vctrl} drives the motion, {scene} is the look",
                "use {vctrl} for structure: {colours}",
                "{colours}, follow the {vctrlnoun} {vctrl!}",
                "animate {scene} using the {vctrlnoun} {vctrl!}",
                "{vctrlnoun} -> {vid}: {vctrl!}, {scene}",
                "make {scene} dance like in {vctrl}",
                "{vctrl!} ({vctrlnoun}) -> {scene}[ {size}]");
        textQuestions(all);
        asks(all, Task.IMAGE_UNDERSTANDING, "iu",
                "caption|describe {q}",
                "colour|what colour is the {shape} in {q}?",
                "count|how many {shape}s are there in {q}?",
                "caption|{q} what's in this picture?",
                "position|where is the {colour} {shape} in {q}?",
                "relation|is the {colour} {shape} to the left of the {colour2} {shape2} in {q}?|relation=left",
                "shape|what shape is the {colour} object in {q}?",
                "colour|in this {wxh} image {q}, what colour is the {shape}?",
                "caption|caption {q} for me",
                "count|count the {colour} shapes in {q}",
                "relation|{q} is there a {colour} {shape} above the {shape2}?|relation=above",
                "colour|before we make a video out of {q}: which colour is the {shape}?",
                "shape_at|what shape is {cellphrase} of {q}?",
                "count|{q} how many objects? it's a 3 by 3 grid, right?",
                "colour|what colour is the {shape}{+q}",
                "count|{q!} how many {shape}s are in it",
                "shape_at|I might turn {q} into a video later, for now what's {cellphrase}?",
                "caption|{v} a copy of {q}? never mind, just describe it",
                "caption|what's in {q}?",
                "caption|describe this {photo} in a few words{+q}",
                "relation|{q!} is the {colour} {shape} left of the {colour2} {shape2}?|relation=left",
                "position|Where's the {colour} {shape} in this {photo}?{+q}",
                "resolution|what size is {q} in pixels?",
                "caption|caption {q!}",
                "count|count the shapes{+q}",
                "background|what colour is the background in {q}?",
                "relation|is there a {colour} thing above the {shape} here?{+q}|relation=above",
                "size|which shape is the largest in {q}",
                "caption|describe {q} and {q}",
                "caption|what do you see{+q}",
                "caption|tell me about {q}",
                "caption|{q} ???",
                "caption|{q} what is this",
                "position|which corner is the {shape} in? {q!}",
                "caption|would {q} work as the first frame of a {n} second video? what's in it?",
                "caption|if I animate {q}, what would move?",
                "caption|is {q} 1024x1024 or bigger?",
                "caption|what text is in {q}",
                "caption|what does the mask {q!} cover?",
                "caption|does {q} look like a sketch or a photo?",
                "colour|can you list the colours in {q}",
                "caption|what's wrong with this {photo}?{+q}",
                "count|how many objects in this one{+q}",
                "colour|{q!} colour of the {shape}?",
                "caption|explain this {photo} to me{+q}",
                "shape|what's the {colour} shape called in {q}?",
                "caption|before i edit {q}, what's in it exactly?",
                "caption|summarise the {photo} {q!}",
                "count|are there more circles or squares in {q}?",
                "caption|any idea what {q} shows?",
                "caption|is this a good reference {photo}? {q!}",
                "position|is the {shape} in the middle of {q}?");
        asks(all, Task.VIDEO_UNDERSTANDING, "vu",
                "direction|which way does the {colour} {shape} move in {q}?",
                "direction|in {q}, what direction is the {shape} moving?",
                "moving_object|which object moves in {q}?",
                "direction|{q} does the {shape} grow or shrink?",
                "colour_moving|what colour is the moving shape in {q}?",
                "caption|describe what happens in {q}",
                "count|how many objects are in the first frame of {q}?|frame=first",
                "direction|is the {shape} in this {n}-second clip {q} moving left or right?",
                "moving_shape|what shape moves in {q}?",
                "direction|{q} which direction?",
                "direction|tell me what the {colour} object does in {q}",
                "position|in the last frame of {q}, where is the {shape}?|frame=last",
                "direction|where does the {shape} go in {q}?",
                "caption|what happens in this {clipn}{+q}",
                "direction|{q!} does the {shape} get bigger or smaller?",
                "colour_moving|what colour is the thing that moves?{+q}",
                "caption|{q!} summarise",
                "count|how many shapes are there at the start of this {clipn}?{+q}|frame=first",
                "direction|is the {shape} going left or right in this {n}s {clipn}? {q!}",
                "moving_object|which one is moving?{+q}",
                "position|where does the {shape} end up in {q}?|frame=last",
                "direction|one word for the motion in {q}",
                "caption|is {q} in portrait or landscape?",
                "caption|what does the final frame of {q} show?|frame=last",
                "duration|how long is {q}?",
                "duration|how many frames does {q} have?",
                "caption|what fps is {q}",
                "caption|is {q} 720p?",
                "caption|could I use {q} as a pose video? what's in it?",
                "colour|before I edit {q}, what colour is the {shape}?",
                "caption|summarize {q} for me",
                "caption|what is going on in {q}",
                "caption|explain {q}",
                "moving_object|{q} what moves?",
                "direction|which direction does the {colour} thing go{+q}",
                "caption|describe this {clipn}{+q}",
                "caption|{q!} what's happening here?",
                "direction|does the {shape} move up or down in {q}",
                "caption|is this {clipn} longer than {n} seconds?{+q}",
                "caption|what could I edit in {q}?",
                "count|how many things move in {q}?",
                "caption|rate my {clipn} {q!}",
                "caption|{q} and {q}: which one is longer?",
                "direction|speed and direction of the {shape} in {q}?",
                "caption|any text in this {clipn}?{+q}");
        return List.copyOf(all);
    }

    private static PlanningData.Split split(int index) {
        return index % 4 == 3 ? PlanningData.Split.HELDOUT : PlanningData.Split.TRAIN;
    }

    private static void add(List<PlanningData.Template> all, Task task, String prefix, List<Consumer<PlanningDraft>> bodies) {
        for (int i = 0; i < bodies.size(); i++) {
            all.add(new PlanningData.Template(String.format(Locale.ROOT, "%s/%02d", prefix, i), task, split(i), bodies.get(i)));
        }
    }

    private static void patterns(List<PlanningData.Template> all, Task task, String prefix, String... patterns) {
        List<Consumer<PlanningDraft>> bodies = new ArrayList<>();
        for (String p : patterns) {
            bodies.add(d -> d.write(p));
        }
        add(all, task, prefix, bodies);
    }

    /** Understanding templates {@code kind|pattern|key=value...}: the answer is a placeholder. */
    private static void asks(List<PlanningData.Template> all, Task task, String prefix, String... specs) {
        List<Consumer<PlanningDraft>> bodies = new ArrayList<>();
        for (String spec : specs) {
            String[] parts = spec.split("\\|");
            String[] extra = Arrays.copyOfRange(parts, 2, parts.length);
            bodies.add(d -> {
                d.write(parts[1]);
                d.ask(parts[0], extra);
            });
        }
        add(all, task, prefix, bodies);
    }

    private static final List<String> WORDS = List.of("one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
            "ten");
    private static final List<Object[]> P_SIZES = List.of(new Object[] {"240p", 320, 240}, new Object[] {"360p", 640, 360},
            new Object[] {"480p", 640, 480}, new Object[] {"720p", 1280, 720}, new Object[] {"1080p", 1920, 1080},
            new Object[] {"2160p", 3840, 2160});
    private static final List<Object[]> RATIO_SIZES = List.of(new Object[] {1920, 1080, "16:9"}, new Object[] {1280, 720, "16:9"},
            new Object[] {1024, 768, "4:3"}, new Object[] {640, 480, "4:3"}, new Object[] {720, 1280, "9:16"},
            new Object[] {1024, 1024, "1:1"}, new Object[] {768, 1024, "3:4"}, new Object[] {512, 512, "1:1"},
            new Object[] {2560, 1080, "64:27"});

    /** Text requests whose answer the text model writes: explanations, advice, writing, small talk. */
    private static final List<String> OPEN_QUESTIONS = List.of(
            "why do {topic} matter?",
            "can you explain {topic}?",
            "explain {topic} like I'm five",
            "write a haiku about {anything}",
            "write a short poem about {motion}",
            "tell me a joke about {topic}",
            "give me 3 ideas for {genimg}",
            "what's the difference between {topic} and {topic}?",
            "how do I {v} {an_img} of {content}?",
            "how would i {vv} {a_vid} of {motion}[ {dur}]?",
            "what's a good resolution for {genvid}?",
            "should my {vid} be {size}?",
            "is {size} good enough for printing?",
            "how long should {genvid} be?",
            "what does {topic} mean",
            "suggest a title for {genimg} of {content}",
            "write a caption for a photo of {content}",
            "describe {content} in words, don't draw it",
            "what is a mask in photo editing?",
            "how does a {ctrlnoun} work in controlnet?",
            "what is image to video generation?",
            "is {dur} too long for a gif?",
            "list 5 colours",
            "translate 'red circle' into french",
            "who painted the mona lisa?",
            "give me tips for {topic}",
            "what's the capital of france",
            "hi, how are you?",
            "summarize what {topic} are in one sentence",
            "what fps do movies use?",
            "do you know what {topic} is?",
            "what are {topic} used for?",
            "write a story about {motion}",
            "any advice on making {genvid} of {motion}?",
            "compare {topic} and {topic}",
            "is it better to use {sizeadj} or {sizeadj} for {genvid}?",
            "what can you do?",
            "thanks! that was great",
            "what is 12 times 12?",
            "rhymes with square?",
            "can you help me plan {genvid}? just text for now",
            "why is the sky blue?");

    /** Questions whose answer the text determines: durations, resolutions, shapes, counting. */
    private static void textQuestions(List<PlanningData.Template> all) {
        List<Consumer<PlanningDraft>> bodies = List.of(
                d -> {
                    int n = d.pick(1, 10);
                    String amount = d.random().nextBoolean() ? n + (n == 1 ? " second" : " seconds") : WORDS.get(n - 1) + (n == 1 ? " second" : " seconds");
                    d.write("how many frames is ").literal(amount).write(" at 24 fps?");
                    d.answer(Integer.toString(24 * n));
                },
                d -> {
                    int n = d.pick(1, 10);
                    d.write("at 24fps, how many frames does a ").literal(n + "-second").write(" clip have?");
                    d.answer(Integer.toString(24 * n));
                },
                d -> {
                    int k = d.pick(1, 10);
                    d.write("how many seconds is ").literal(24 * k + " frames").write(" at 24 frames per second?");
                    d.answer(Integer.toString(k));
                },
                d -> {
                    Object[] p = P_SIZES.get(d.random().nextInt(P_SIZES.size()));
                    d.write("how wide is a ").literal((String) p[0]).write(" frame in pixels?");
                    d.answer(Integer.toString((int) p[1]));
                },
                d -> {
                    Object[] p = P_SIZES.get(d.random().nextInt(P_SIZES.size()));
                    d.write("what is the height of ").literal((String) p[0]).write(" video?");
                    d.answer(Integer.toString((int) p[2]));
                },
                d -> {
                    int w = 16 * d.pick(4, 80);
                    int h = 16 * d.pick(4, 80);
                    d.write("how many pixels are in a ").literal(w + "x" + h).write(" image?");
                    d.answer(Long.toString((long) w * h));
                },
                d -> {
                    Object[] r = RATIO_SIZES.get(d.random().nextInt(RATIO_SIZES.size()));
                    d.write("what aspect ratio is ").literal(r[0] + "x" + r[1]).write("?");
                    d.answer((String) r[2]);
                },
                d -> {
                    String shape = d.pick(PlanningVocabulary.SHAPES);
                    d.write("how many sides does a ").literal(shape).write(" have?");
                    d.answer(switch (shape) {
                        case "triangle" -> "3";
                        case "square" -> "4";
                        default -> "0";
                    });
                },
                d -> {
                    int a = d.pick(1, 4);
                    int b = d.pick(1, 4);
                    d.write("if a picture has ").literal(a + " " + d.pick(PlanningVocabulary.COLOURS) + " circle" + (a > 1 ? "s" : ""))
                            .write(" and ").literal(b + " " + d.pick(PlanningVocabulary.COLOURS) + " square" + (b > 1 ? "s" : ""))
                            .write(", how many shapes are in it?");
                    d.answer(Integer.toString(a + b));
                },
                d -> {
                    int w = 16 * d.pick(4, 120);
                    int h = d.random().nextDouble() < 0.2 ? w : 16 * d.pick(4, 120);
                    d.write("is a ").literal(w + "x" + h).write(" video landscape, portrait or square?");
                    d.answer(w > h ? "landscape" : w < h ? "portrait" : "square");
                },
                d -> {
                    int i = d.pick(0, P_SIZES.size() - 1);
                    int j = d.pick(0, P_SIZES.size() - 1);
                    while (j == i) {
                        j = d.pick(0, P_SIZES.size() - 1);
                    }
                    d.write("which is bigger, ").literal(P_SIZES.get(i)[0] + " or " + P_SIZES.get(j)[0]).write("?");
                    d.answer((String) P_SIZES.get(Math.max(i, j))[0]);
                },
                d -> {
                    int n = d.pick(2, 10);
                    d.write("i'm making a ").literal(n + "-second").write(" clip at 24 fps. how many frames will it have?");
                    d.answer(Integer.toString(24 * n));
                },
                d -> {
                    d.write("what is ").literal(d.pick(List.of("4K", "4k", "2160p"))).write(" in pixels?");
                    d.answer("3840x2160");
                },
                d -> {
                    int corners = d.pick(3, 4);
                    d.write("what shape has ").literal(WORDS.get(corners - 1)).write(" corners?");
                    d.answer(corners == 3 ? "triangle" : "square");
                });
        List<Consumer<PlanningDraft>> more = new ArrayList<>(bodies);
        more.add(d -> {
            int n = d.pick(1, 30);
            d.write(d.pick(List.of("how many frames do i need for ", "frames needed for ", "if my clip is ", "for a "))).literal(
                    n + d.pick(List.of(" seconds", "s", " sec", "-second clip"))).write(d.pick(List.of(" at 24fps?",
                    ", how many frames at 24 fps", " at 24 frames a second, how many frames?", " - frame count at 24fps?")));
            d.answer(Integer.toString(24 * n));
        });
        more.add(d -> {
            int k = d.pick(1, 20);
            d.write(d.pick(List.of("how long is ", "how many seconds is ", "duration of "))).literal(24 * k + " frames")
                    .write(d.pick(List.of(" at 24 fps?", " at 24fps in seconds", " if it plays at 24 fps", " at 24 fps, in seconds?")));
            d.answer(Integer.toString(k));
        });
        more.add(d -> {
            Object[] p = P_SIZES.get(d.random().nextInt(P_SIZES.size()));
            d.write(d.pick(List.of("whats ", "what's ", "what is ", "how big is "))).literal((String) p[0])
                    .write(d.pick(List.of(" in pixels", " resolution", " in px?", " exactly?")));
            d.answer(p[1] + "x" + p[2]);
        });
        more.add(d -> {
            int w = d.pick(8, 240) * 8;
            int h = d.pick(8, 240) * 8;
            d.write(d.pick(List.of("is ", "would ", "is a "))).literal(w + d.pick(List.of("x", " by ", "×")) + h)
                    .write(d.pick(List.of(" landscape or portrait?", " portrait or landscape", " wide or tall?")));
            d.answer(w > h ? "landscape" : w < h ? "portrait" : "square");
        });
        more.add(d -> {
            String[][] mixes = {{"blue", "yellow", "green"}, {"red", "yellow", "orange"}, {"red", "blue", "purple"},
                    {"red", "white", "pink"}, {"black", "white", "gray"}, {"yellow", "blue", "green"}};
            String[] m = mixes[d.random().nextInt(mixes.length)];
            d.write(d.pick(List.of("what colour do you get when mixing ", "what do ", "mix ", "what colour is "))).literal(
                    m[0] + " and " + m[1]).write(d.pick(List.of("?", " make?", " = ?", " mixed together?")));
            d.answer(m[2]);
        });
        more.add(d -> {
            String shape = d.pick(List.of("circle", "square", "triangle", "pentagon", "hexagon", "octagon"));
            d.write(d.pick(List.of("is a ", "would you call a ", "is the "))).literal(shape)
                    .write(d.pick(List.of(" a polygon?", " a polygon, yes or no", " a polygon or not?")));
            d.answer(shape.equals("circle") ? "no" : "yes");
        });
        more.add(d -> {
            String shape = d.pick(List.of("triangle", "square", "pentagon", "hexagon", "octagon"));
            d.write(d.pick(List.of("how many corners does a ", "number of sides of a ", "how many edges has a ",
                    "sides on a "))).literal(shape).write(d.pick(List.of("", "?", " have?")));
            d.answer(switch (shape) {
                case "triangle" -> "3";
                case "square" -> "4";
                case "pentagon" -> "5";
                case "hexagon" -> "6";
                default -> "8";
            });
        });
        more.add(d -> {
            int a = d.pick(1, 6);
            int b = d.pick(1, 6);
            d.write(d.pick(List.of("i drew ", "there are ", "my picture has ", "if i have "))).literal(a + " "
                    + d.pick(PlanningVocabulary.COLOURS) + " triangles and " + b + " " + d.pick(PlanningVocabulary.COLOURS)
                    + " circles").write(d.pick(List.of(", how many shapes total?", ". total shapes?", " - how many shapes?")));
            d.answer(Integer.toString(a + b));
        });
        more.add(d -> {
            int w = 16 * d.pick(4, 80);
            int h = 16 * d.pick(4, 80);
            d.write(d.pick(List.of("pixel count of ", "how many pixels does a ", "total pixels in a "))).literal(w + "x" + h)
                    .write(d.pick(List.of(" image?", " frame have", " picture")));
            d.answer(Long.toString((long) w * h));
        });
        more.add(d -> {
            int w = 16 * d.pick(20, 120);
            int h = 16 * d.pick(20, 120);
            while (h == w) {
                h = 16 * d.pick(20, 120);
            }
            boolean taller = d.random().nextBoolean();
            d.write(taller ? "which is taller, a " : "which is wider, a ").literal(w + "x" + h).write(" video or a ")
                    .literal(h + "x" + w).write(" one?");
            boolean first = taller ? h > w : w > h;
            d.answer(first ? w + "x" + h : h + "x" + w);
        });
        for (String open : OPEN_QUESTIONS) {
            more.add(d -> {
                d.write(open);
                d.ask("open");
            });
        }
        add(all, Task.TEXT_UNDERSTANDING, "tu", more);
    }

    /** Declared last: built after every list above is initialised. */
    static final List<PlanningData.Template> ALL = build();
}
